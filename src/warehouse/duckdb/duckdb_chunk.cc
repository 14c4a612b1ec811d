#include "warehouse/duckdb/duckdb_chunk.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "zcdp/warehouse/json_cell.h"

namespace zcdp {
namespace {

struct TypeName {
  duckdb_type type;
  const char* name;
  ColumnKind kind;
};

constexpr TypeName kTypes[] = {
    {DUCKDB_TYPE_BOOLEAN, "BOOLEAN", ColumnKind::kBoolean},
    {DUCKDB_TYPE_TINYINT, "TINYINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_SMALLINT, "SMALLINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_INTEGER, "INTEGER", ColumnKind::kInteger},
    {DUCKDB_TYPE_BIGINT, "BIGINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_UTINYINT, "UTINYINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_USMALLINT, "USMALLINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_UINTEGER, "UINTEGER", ColumnKind::kInteger},
    {DUCKDB_TYPE_UBIGINT, "UBIGINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_HUGEINT, "HUGEINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_UHUGEINT, "UHUGEINT", ColumnKind::kInteger},
    {DUCKDB_TYPE_FLOAT, "FLOAT", ColumnKind::kFloat},
    {DUCKDB_TYPE_DOUBLE, "DOUBLE", ColumnKind::kFloat},
    {DUCKDB_TYPE_DECIMAL, "DECIMAL", ColumnKind::kDecimal},
    {DUCKDB_TYPE_VARCHAR, "VARCHAR", ColumnKind::kText},
    {DUCKDB_TYPE_BLOB, "BLOB", ColumnKind::kBlob},
    {DUCKDB_TYPE_DATE, "DATE", ColumnKind::kDate},
    {DUCKDB_TYPE_TIME, "TIME", ColumnKind::kTime},
    {DUCKDB_TYPE_TIMESTAMP, "TIMESTAMP", ColumnKind::kTimestamp},
    {DUCKDB_TYPE_TIMESTAMP_S, "TIMESTAMP_S", ColumnKind::kTimestamp},
    {DUCKDB_TYPE_TIMESTAMP_MS, "TIMESTAMP_MS", ColumnKind::kTimestamp},
    {DUCKDB_TYPE_TIMESTAMP_NS, "TIMESTAMP_NS", ColumnKind::kTimestamp},
    {DUCKDB_TYPE_TIMESTAMP_TZ, "TIMESTAMP WITH TIME ZONE", ColumnKind::kTimestampTz},
    {DUCKDB_TYPE_INTERVAL, "INTERVAL", ColumnKind::kOther},
    {DUCKDB_TYPE_UUID, "UUID", ColumnKind::kOther},
    {DUCKDB_TYPE_LIST, "LIST", ColumnKind::kOther},
    {DUCKDB_TYPE_STRUCT, "STRUCT", ColumnKind::kOther},
    {DUCKDB_TYPE_MAP, "MAP", ColumnKind::kOther},
    {DUCKDB_TYPE_ARRAY, "ARRAY", ColumnKind::kOther},
    {DUCKDB_TYPE_UNION, "UNION", ColumnKind::kOther},
    {DUCKDB_TYPE_TIME_TZ, "TIME WITH TIME ZONE", ColumnKind::kOther},
    {DUCKDB_TYPE_ENUM, "ENUM", ColumnKind::kOther},
    {DUCKDB_TYPE_SQLNULL, "NULL", ColumnKind::kOther},
};

const TypeName* Lookup(duckdb_type t) {
  for (const auto& entry : kTypes) {
    if (entry.type == t) return &entry;
  }
  return nullptr;
}

template <typename T>
T At(const void* data, size_t row) {
  return static_cast<const T*>(data)[row];
}

// An integer of up to 128 bits: an Int when it fits in 64 bits, else its exact decimal digits
// as Text (a double would round it).
template <typename T>
Value WideInt(T v) {
  bool negative = false;
  if constexpr (static_cast<T>(-1) < static_cast<T>(0)) negative = v < 0;
  const bool fits = negative ? v >= static_cast<T>(INT64_MIN) : v <= static_cast<T>(INT64_MAX);
  if (fits) return Value::Int(static_cast<int64_t>(v));
  std::string digits;
  while (v != 0) {
    const int d = static_cast<int>(v % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  }
  return Value::Text(negative ? "-" + digits : digits);
}

// "HH:MM:SS" with ".ffffff" when there are microseconds.
std::string TimeText(int64_t micros) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld",
                static_cast<long long>(micros / 3'600'000'000),
                static_cast<long long>(micros / 60'000'000 % 60),
                static_cast<long long>(micros / 1'000'000 % 60));
  std::string out = buf;
  if (micros % 1'000'000 != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(micros % 1'000'000));
    out += buf;
  }
  return out;
}

// An ISO-8601 duration, "P1Y2M3DT4H5M6.5S" ("PT0S" for zero); each part keeps its sign, as
// DuckDB's months, days and microseconds do.
std::string IntervalText(const duckdb_interval& v) {
  std::string out = "P";
  if (v.months / 12 != 0) out += std::to_string(v.months / 12) + "Y";
  if (v.months % 12 != 0) out += std::to_string(v.months % 12) + "M";
  if (v.days != 0) out += std::to_string(v.days) + "D";
  if (v.micros != 0 || out == "P") {
    out += "T";
    const int64_t hours = v.micros / 3'600'000'000;
    const int64_t minutes = v.micros / 60'000'000 % 60;
    const int64_t micros = v.micros % 60'000'000;
    if (hours != 0) out += std::to_string(hours) + "H";
    if (minutes != 0) out += std::to_string(minutes) + "M";
    if (micros != 0 || (hours == 0 && minutes == 0)) {
      std::string secs = std::to_string(micros / 1'000'000);
      if (micros < 0 && micros > -1'000'000) secs = "-0";
      if (micros % 1'000'000 != 0) {
        std::string frac = std::to_string(std::abs(micros % 1'000'000));
        frac.insert(0, 6 - frac.size(), '0');
        while (frac.back() == '0') frac.pop_back();
        secs += "." + frac;
      }
      out += secs + "S";
    }
  }
  return out;
}

// The canonical 8-4-4-4-12 text; DuckDB stores a UUID as a HUGEINT with the top bit flipped.
std::string UuidText(const duckdb_hugeint& h) {
  const uint64_t upper = static_cast<uint64_t>(h.upper) ^ (uint64_t{1} << 63);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(upper >> 32),
                static_cast<unsigned long long>((upper >> 16) & 0xFFFF),
                static_cast<unsigned long long>(upper & 0xFFFF),
                static_cast<unsigned long long>(h.lower >> 48),
                static_cast<unsigned long long>(h.lower & 0xFFFFFFFFFFFFULL));
  return buf;
}

// The exact decimal digits of a 128-bit integer.
std::string Int128Text(__int128 v) {
  const bool negative = v < 0;
  std::string digits;
  do {
    const int d = static_cast<int>(v % 10);
    digits.insert(digits.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
    v /= 10;
  } while (v != 0);
  return negative ? "-" + digits : digits;
}

std::string UInt128Text(unsigned __int128 v) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return digits;
}

// The exact text of the decimal `unscaled` * 10^-scale: "-12.50".
std::string DecimalText(__int128 unscaled, uint8_t scale) {
  std::string digits = Int128Text(unscaled);
  const bool negative = digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (scale == 0) return negative ? "-" + digits : digits;
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  digits.insert(digits.size() - scale, ".");
  return negative ? "-" + digits : digits;
}

// A logical type this code obtained, destroyed on scope exit.
struct OwnedType {
  duckdb_logical_type type;
  explicit OwnedType(duckdb_logical_type t) : type(t) {}
  OwnedType(const OwnedType&) = delete;
  OwnedType& operator=(const OwnedType&) = delete;
  ~OwnedType() { duckdb_destroy_logical_type(&type); }
};

// Text DuckDB allocated, freed on scope exit.
struct OwnedText {
  char* text;
  explicit OwnedText(char* t) : text(t) {}
  OwnedText(const OwnedText&) = delete;
  OwnedText& operator=(const OwnedText&) = delete;
  ~OwnedText() { duckdb_free(text); }
  std::string_view view() const { return text != nullptr ? text : ""; }
};

// The label of an ENUM cell.
std::string EnumLabel(duckdb_logical_type type, const void* data, idx_t row) {
  idx_t index = 0;
  switch (duckdb_enum_internal_type(type)) {
    case DUCKDB_TYPE_UTINYINT:
      index = At<uint8_t>(data, row);
      break;
    case DUCKDB_TYPE_USMALLINT:
      index = At<uint16_t>(data, row);
      break;
    default:
      index = At<uint32_t>(data, row);
  }
  const OwnedText label(duckdb_enum_dictionary_value(type, index));
  return std::string(label.view());
}

constexpr int64_t kInfinityMicros = INT64_MAX;  // DuckDB's 'infinity'::TIMESTAMP
constexpr int32_t kInfinityDays = INT32_MAX;    // and 'infinity'::DATE

// "12:34:56.5+02:00" for a TIME WITH TIME ZONE.
std::string TimeTzText(duckdb_time_tz raw) {
  const duckdb_time_tz_struct t = duckdb_from_time_tz(raw);
  const int64_t micros =
      ((t.time.hour * 60LL + t.time.min) * 60 + t.time.sec) * 1'000'000 + t.time.micros;
  const int32_t offset = t.offset;
  const int32_t abs_offset = offset < 0 ? -offset : offset;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%c%02d:%02d", offset < 0 ? '-' : '+', abs_offset / 3600,
                abs_offset / 60 % 60);
  return TimeText(micros) + buf;
}

void WriteTimestamp(int64_t micros, bool utc, int nanos, JsonCellWriter& w) {
  if (micros == kInfinityMicros) return w.Text("infinity");
  if (micros == -kInfinityMicros) return w.Text("-infinity");
  w.Text(IsoTimestamp(micros, utc, nanos));
}

// The element `row` of `vec` (of logical type `type`) as JSON, recursing into nested types.
void WriteVectorJson(duckdb_vector vec, duckdb_logical_type type, idx_t row, JsonCellWriter& w) {
  uint64_t* validity = duckdb_vector_get_validity(vec);
  if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) return w.Null();
  const void* data = duckdb_vector_get_data(vec);
  const duckdb_type id = duckdb_get_type_id(type);
  switch (id) {
    case DUCKDB_TYPE_SQLNULL:
      return w.Null();
    case DUCKDB_TYPE_BOOLEAN:
      return w.Bool(At<bool>(data, row));
    case DUCKDB_TYPE_TINYINT:
      return w.Int(At<int8_t>(data, row));
    case DUCKDB_TYPE_SMALLINT:
      return w.Int(At<int16_t>(data, row));
    case DUCKDB_TYPE_INTEGER:
      return w.Int(At<int32_t>(data, row));
    case DUCKDB_TYPE_BIGINT:
      return w.Int(At<int64_t>(data, row));
    case DUCKDB_TYPE_UTINYINT:
      return w.Int(At<uint8_t>(data, row));
    case DUCKDB_TYPE_USMALLINT:
      return w.Int(At<uint16_t>(data, row));
    case DUCKDB_TYPE_UINTEGER:
      return w.Int(At<uint32_t>(data, row));
    case DUCKDB_TYPE_UBIGINT:
      return w.Integer(std::to_string(At<uint64_t>(data, row)));
    case DUCKDB_TYPE_HUGEINT: {
      const auto h = At<duckdb_hugeint>(data, row);
      return w.Integer(
          Int128Text((static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower)));
    }
    case DUCKDB_TYPE_UHUGEINT: {
      const auto h = At<duckdb_uhugeint>(data, row);
      return w.Integer(UInt128Text((static_cast<unsigned __int128>(h.upper) << 64) | h.lower));
    }
    case DUCKDB_TYPE_FLOAT:
      return w.Real(At<float>(data, row));
    case DUCKDB_TYPE_DOUBLE:
      return w.Double(At<double>(data, row));
    case DUCKDB_TYPE_DECIMAL: {
      const uint8_t scale = duckdb_decimal_scale(type);
      __int128 unscaled = 0;
      switch (duckdb_decimal_internal_type(type)) {
        case DUCKDB_TYPE_SMALLINT:
          unscaled = At<int16_t>(data, row);
          break;
        case DUCKDB_TYPE_INTEGER:
          unscaled = At<int32_t>(data, row);
          break;
        case DUCKDB_TYPE_BIGINT:
          unscaled = At<int64_t>(data, row);
          break;
        default: {
          const auto h = At<duckdb_hugeint>(data, row);
          unscaled = (static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower);
        }
      }
      return w.Decimal(DecimalText(unscaled, scale));
    }
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB: {
      auto* s = const_cast<duckdb_string_t*>(static_cast<const duckdb_string_t*>(data) + row);
      const std::string_view bytes(duckdb_string_t_data(s), duckdb_string_t_length(*s));
      return id == DUCKDB_TYPE_VARCHAR ? w.Text(bytes) : w.Blob(bytes);
    }
    case DUCKDB_TYPE_DATE: {
      const int32_t days = At<int32_t>(data, row);
      if (days == kInfinityDays) return w.Text("infinity");
      if (days == -kInfinityDays) return w.Text("-infinity");
      return w.Text(FormatDate(days));
    }
    case DUCKDB_TYPE_TIME:
      return w.Text(TimeText(At<int64_t>(data, row)));
    case DUCKDB_TYPE_TIME_TZ:
      return w.Text(TimeTzText(At<duckdb_time_tz>(data, row)));
    case DUCKDB_TYPE_TIMESTAMP:
      return WriteTimestamp(At<int64_t>(data, row), false, 0, w);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return WriteTimestamp(At<int64_t>(data, row), true, 0, w);
    case DUCKDB_TYPE_TIMESTAMP_S:
      return WriteTimestamp(At<int64_t>(data, row) * 1'000'000, false, 0, w);
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return WriteTimestamp(At<int64_t>(data, row) * 1'000, false, 0, w);
    case DUCKDB_TYPE_TIMESTAMP_NS: {
      const int64_t ns = At<int64_t>(data, row);
      const int64_t micros = ns / 1000 - (ns % 1000 < 0 ? 1 : 0);
      return WriteTimestamp(micros, false, static_cast<int>(ns - micros * 1000), w);
    }
    case DUCKDB_TYPE_INTERVAL:
      return w.Text(IntervalText(At<duckdb_interval>(data, row)));
    case DUCKDB_TYPE_UUID:
      return w.Text(UuidText(At<duckdb_hugeint>(data, row)));
    case DUCKDB_TYPE_ENUM:
      return w.Text(EnumLabel(type, data, row));
    case DUCKDB_TYPE_LIST: {
      const auto entry = At<duckdb_list_entry>(data, row);
      const OwnedType child_type(duckdb_list_type_child_type(type));
      duckdb_vector child = duckdb_list_vector_get_child(vec);
      w.BeginArray();
      for (idx_t i = entry.offset; i < entry.offset + entry.length; ++i) {
        WriteVectorJson(child, child_type.type, i, w);
      }
      return w.EndArray();
    }
    case DUCKDB_TYPE_ARRAY: {
      const idx_t size = duckdb_array_type_array_size(type);
      const OwnedType child_type(duckdb_array_type_child_type(type));
      duckdb_vector child = duckdb_array_vector_get_child(vec);
      w.BeginArray();
      for (idx_t i = row * size; i < (row + 1) * size; ++i) {
        WriteVectorJson(child, child_type.type, i, w);
      }
      return w.EndArray();
    }
    case DUCKDB_TYPE_MAP: {
      // A list of (key, value) structs; keys may be of any type, so each entry is an object.
      const auto entry = At<duckdb_list_entry>(data, row);
      const OwnedType key_type(duckdb_map_type_key_type(type));
      const OwnedType value_type(duckdb_map_type_value_type(type));
      duckdb_vector entries = duckdb_list_vector_get_child(vec);
      duckdb_vector keys = duckdb_struct_vector_get_child(entries, 0);
      duckdb_vector values = duckdb_struct_vector_get_child(entries, 1);
      w.BeginArray();
      for (idx_t i = entry.offset; i < entry.offset + entry.length; ++i) {
        w.BeginObject();
        w.Key("key");
        WriteVectorJson(keys, key_type.type, i, w);
        w.Key("value");
        WriteVectorJson(values, value_type.type, i, w);
        w.EndObject();
      }
      return w.EndArray();
    }
    case DUCKDB_TYPE_STRUCT: {
      const idx_t n = duckdb_struct_type_child_count(type);
      w.BeginObject();
      for (idx_t i = 0; i < n; ++i) {
        const OwnedText name(duckdb_struct_type_child_name(type, i));
        const OwnedType child_type(duckdb_struct_type_child_type(type, i));
        w.Key(name.view());
        WriteVectorJson(duckdb_struct_vector_get_child(vec, i), child_type.type, row, w);
      }
      return w.EndObject();
    }
    case DUCKDB_TYPE_UNION: {
      // Stored as a struct of the tag (child 0) and one child per member: the value is an
      // object naming the member that is set.
      duckdb_vector tags = duckdb_struct_vector_get_child(vec, 0);
      const idx_t tag = At<uint8_t>(duckdb_vector_get_data(tags), row);
      const OwnedText name(duckdb_union_type_member_name(type, tag));
      const OwnedType member_type(duckdb_union_type_member_type(type, tag));
      w.BeginObject();
      w.Key(name.view());
      WriteVectorJson(duckdb_struct_vector_get_child(vec, tag + 1), member_type.type, row, w);
      return w.EndObject();
    }
    default:
      break;
  }
  // BIT, BIGNUM and TIME_NS: no exact reading here; SQL can cast them to VARCHAR.
  const TypeName* entry = Lookup(id);
  w.Text(std::string("<") + (entry != nullptr ? entry->name : "OTHER") +
         ": cast to VARCHAR to read>");
}

}  // namespace

ColumnInfo DuckDbColumnInfo(const char* name, duckdb_logical_type type) {
  ColumnInfo info;
  info.name = name != nullptr ? name : "";
  const duckdb_type id = duckdb_get_type_id(type);
  const TypeName* entry = Lookup(id);
  info.type_name = entry != nullptr ? entry->name : "OTHER";
  info.kind = entry != nullptr ? entry->kind : ColumnKind::kOther;
  if (id == DUCKDB_TYPE_DECIMAL) {
    info.type_name = "DECIMAL(" + std::to_string(duckdb_decimal_width(type)) + "," +
                     std::to_string(duckdb_decimal_scale(type)) + ")";
  }
  return info;
}

DuckDbChunk::DuckDbChunk(duckdb_data_chunk chunk)
    : chunk_(chunk), rows_(duckdb_data_chunk_get_size(chunk)) {
  const idx_t n = duckdb_data_chunk_get_column_count(chunk);
  columns_.reserve(n);
  for (idx_t i = 0; i < n; ++i) {
    duckdb_vector vec = duckdb_data_chunk_get_vector(chunk, i);
    duckdb_logical_type type = duckdb_vector_get_column_type(vec);
    Column c{duckdb_get_type_id(type),
             DUCKDB_TYPE_INVALID,
             0,
             duckdb_vector_get_data(vec),
             duckdb_vector_get_validity(vec),
             vec,
             type};
    if (c.type == DUCKDB_TYPE_DECIMAL) {
      c.decimal_storage = duckdb_decimal_internal_type(type);
      c.decimal_scale = duckdb_decimal_scale(type);
    }
    columns_.push_back(c);
  }
}

DuckDbChunk::~DuckDbChunk() {
  for (Column& c : columns_) duckdb_destroy_logical_type(&c.logical);
  duckdb_destroy_data_chunk(&chunk_);
}

void DuckDbChunk::WriteJson(size_t column, size_t row, JsonCellWriter& out) const {
  WriteVectorJson(columns_[column].vector, columns_[column].logical, row, out);
}

bool DuckDbChunk::IsNull(size_t column, size_t row) const {
  const uint64_t* validity = columns_[column].validity;
  return validity != nullptr && !duckdb_validity_row_is_valid(const_cast<uint64_t*>(validity), row);
}

int64_t DuckDbChunk::GetInt(size_t column, size_t row) const {
  const Column& c = columns_[column];
  switch (c.type) {
    case DUCKDB_TYPE_BOOLEAN:
      return At<bool>(c.data, row) ? 1 : 0;
    case DUCKDB_TYPE_TINYINT:
      return At<int8_t>(c.data, row);
    case DUCKDB_TYPE_SMALLINT:
      return At<int16_t>(c.data, row);
    case DUCKDB_TYPE_INTEGER:
      return At<int32_t>(c.data, row);
    case DUCKDB_TYPE_UTINYINT:
      return At<uint8_t>(c.data, row);
    case DUCKDB_TYPE_USMALLINT:
      return At<uint16_t>(c.data, row);
    case DUCKDB_TYPE_UINTEGER:
      return At<uint32_t>(c.data, row);
    case DUCKDB_TYPE_UBIGINT:
      return static_cast<int64_t>(At<uint64_t>(c.data, row));
    case DUCKDB_TYPE_DATE:
      return At<int32_t>(c.data, row);
    case DUCKDB_TYPE_TIMESTAMP_S:
      return At<int64_t>(c.data, row) * 1000000;
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return At<int64_t>(c.data, row) * 1000;
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return At<int64_t>(c.data, row) / 1000;
    case DUCKDB_TYPE_DECIMAL:
      return static_cast<int64_t>(std::llround(DecimalAt(c, row)));
    case DUCKDB_TYPE_HUGEINT:
      return static_cast<int64_t>(At<duckdb_hugeint>(c.data, row).lower);
    case DUCKDB_TYPE_FLOAT:
      return static_cast<int64_t>(At<float>(c.data, row));
    case DUCKDB_TYPE_DOUBLE:
      return static_cast<int64_t>(At<double>(c.data, row));
    default:
      return At<int64_t>(c.data, row);  // BIGINT, TIMESTAMP(_TZ), TIME
  }
}

double DuckDbChunk::DecimalAt(const Column& c, size_t row) const {
  double raw = 0;
  switch (c.decimal_storage) {
    case DUCKDB_TYPE_SMALLINT:
      raw = At<int16_t>(c.data, row);
      break;
    case DUCKDB_TYPE_INTEGER:
      raw = At<int32_t>(c.data, row);
      break;
    case DUCKDB_TYPE_BIGINT:
      raw = static_cast<double>(At<int64_t>(c.data, row));
      break;
    default: {
      const auto h = At<duckdb_hugeint>(c.data, row);
      raw = static_cast<double>(h.upper) * 18446744073709551616.0 + static_cast<double>(h.lower);
    }
  }
  return raw / std::pow(10.0, c.decimal_scale);
}

double DuckDbChunk::GetDouble(size_t column, size_t row) const {
  const Column& c = columns_[column];
  if (c.type == DUCKDB_TYPE_DOUBLE) return At<double>(c.data, row);
  if (c.type == DUCKDB_TYPE_FLOAT) return At<float>(c.data, row);
  if (c.type == DUCKDB_TYPE_DECIMAL) return DecimalAt(c, row);
  return static_cast<double>(GetInt(column, row));
}

std::string_view DuckDbChunk::GetText(size_t column, size_t row) const {
  auto* s = static_cast<duckdb_string_t*>(columns_[column].data) + row;
  return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
}

Value DuckDbChunk::Get(size_t column, size_t row) const {
  if (IsNull(column, row)) return Value::Null();
  switch (columns_[column].type) {
    case DUCKDB_TYPE_BOOLEAN:
      return Value::Bool(GetInt(column, row) != 0);
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
      return Value::Text(std::string(GetText(column, row)));
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
      return Value::Double(GetDouble(column, row));
    case DUCKDB_TYPE_DATE:
      return Value::Date(static_cast<int32_t>(GetInt(column, row)));
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return Value::Timestamp(GetInt(column, row));
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
      return Value::Int(GetInt(column, row));
    case DUCKDB_TYPE_UBIGINT:
      return WideInt(At<uint64_t>(columns_[column].data, row));
    case DUCKDB_TYPE_HUGEINT: {
      // Sums of BIGINT are HUGEINT; they almost always fit in 64 bits.
      const auto h = At<duckdb_hugeint>(columns_[column].data, row);
      return WideInt((static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower));
    }
    case DUCKDB_TYPE_UHUGEINT: {
      const auto h = At<duckdb_uhugeint>(columns_[column].data, row);
      return WideInt((static_cast<unsigned __int128>(h.upper) << 64) | h.lower);
    }
    case DUCKDB_TYPE_TIME:
      return Value::Text(TimeText(At<int64_t>(columns_[column].data, row)));
    case DUCKDB_TYPE_INTERVAL:
      return Value::Text(IntervalText(At<duckdb_interval>(columns_[column].data, row)));
    case DUCKDB_TYPE_UUID:
      return Value::Text(UuidText(At<duckdb_hugeint>(columns_[column].data, row)));
    default:
      break;
  }
  if (columns_[column].type == DUCKDB_TYPE_ENUM) {
    return Value::Text(EnumLabel(columns_[column].logical, columns_[column].data, row));
  }
  // Nested and other types: their JSON text; a JSON string is its text.
  JsonCellWriter json;
  WriteJson(column, row, json);
  if (json.text().front() == '"') return Value::Text(nlohmann::json::parse(json.text()));
  return Value::Text(json.Take());
}

}  // namespace zcdp
