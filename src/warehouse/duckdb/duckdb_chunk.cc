#include "warehouse/duckdb/duckdb_chunk.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

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
    Column c{duckdb_get_type_id(type), DUCKDB_TYPE_INVALID, 0, duckdb_vector_get_data(vec),
             duckdb_vector_get_validity(vec)};
    if (c.type == DUCKDB_TYPE_DECIMAL) {
      c.decimal_storage = duckdb_decimal_internal_type(type);
      c.decimal_scale = duckdb_decimal_scale(type);
    }
    duckdb_destroy_logical_type(&type);
    columns_.push_back(c);
  }
}

DuckDbChunk::~DuckDbChunk() { duckdb_destroy_data_chunk(&chunk_); }

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
  // Nested types: callers that need them cast to VARCHAR in SQL.
  const TypeName* entry = Lookup(columns_[column].type);
  return Value::Text(std::string("<") + (entry != nullptr ? entry->name : "OTHER") +
                     ": cast to VARCHAR to read>");
}

}  // namespace zcdp
