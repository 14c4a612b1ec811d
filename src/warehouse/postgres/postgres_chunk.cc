#include "warehouse/postgres/postgres_chunk.h"

#include <cctype>
#include <charconv>
#include <optional>

#include "zcdp/warehouse/json_cell.h"

namespace zcdp {
namespace {

// Type OIDs from pg_type.dat.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
              kFloat4 = 700, kFloat8 = 701, kDate = 1082, kTimestamp = 1114, kTimestampTz = 1184,
              kNumeric = 1700, kJsonb = 3802;

// The element type of PostgreSQL's built-in array types; 0 for other types.
Oid ArrayElement(Oid array) {
  struct Entry {
    Oid array, element;
  };
  static constexpr Entry kArrays[] = {
      {1000, kBool},    {1001, kBytea}, {1005, kInt2},      {1007, kInt4},        {1016, kInt8},
      {1028, kOid},     {199, kJson},   {3807, kJsonb},     {1021, kFloat4},      {1022, kFloat8},
      {1231, kNumeric}, {1182, kDate},  {1115, kTimestamp}, {1185, kTimestampTz}, {1009, 25},
      {1015, 1043},     {1014, 1042},   {1003, 19},         {2951, 2950},         {1183, 1083},
      {1187, 1186},
  };
  for (const auto& e : kArrays) {
    if (e.array == array) return e.element;
  }
  return 0;
}

// Decodes bytea's hex output ("\x0a1b"); nullopt for other text.
std::optional<std::string> DecodeHexBytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string bytes;
  bytes.reserve(text.size() / 2 - 1);
  for (size_t i = 2; i < text.size(); i += 2) {
    unsigned v = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return std::nullopt;
    bytes += static_cast<char>(v);
  }
  return bytes;
}

// One non-NULL value of type `type`, in PostgreSQL's text output, as JSON.
void WriteScalar(Oid type, std::string_view text, JsonCellWriter& w);

// Parses one array literal ("{1,NULL,\"a b\"}", nested for more dimensions) at `at`,
// writing its elements of type `element`. False on text it does not understand.
bool WriteArray(std::string_view text, size_t& at, Oid element, JsonCellWriter& w) {
  if (at >= text.size() || text[at] != '{') return false;
  ++at;
  w.BeginArray();
  auto skip_space = [&] {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  };
  skip_space();
  if (at < text.size() && text[at] == '}') {
    ++at;
    w.EndArray();
    return true;
  }
  while (true) {
    skip_space();
    if (at >= text.size()) return false;
    if (text[at] == '{') {
      if (!WriteArray(text, at, element, w)) return false;
    } else if (text[at] == '"') {
      std::string value;
      for (++at; at < text.size() && text[at] != '"'; ++at) {
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        value += text[at];
      }
      if (at >= text.size()) return false;
      ++at;
      WriteScalar(element, value, w);
    } else {
      const size_t start = at;
      while (at < text.size() && text[at] != ',' && text[at] != '}') ++at;
      std::string_view value = text.substr(start, at - start);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
      }
      if (value == "NULL") {
        w.Null();
      } else {
        WriteScalar(element, value, w);
      }
    }
    skip_space();
    if (at >= text.size()) return false;
    if (text[at++] == '}') break;
    if (text[at - 1] != ',') return false;
  }
  w.EndArray();
  return true;
}

void WriteScalar(Oid type, std::string_view text, JsonCellWriter& w) {
  switch (type) {
    case kBool:
      return w.Bool(text == "t");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return w.Integer(text);
    case kFloat4: {
      float f = 0;
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") return w.Text(text);
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), f);
      if (ec == std::errc() && end == text.data() + text.size()) return w.Real(f);
      break;
    }
    case kFloat8:
      if (auto d = pg::ParseDouble(text)) return w.Double(*d);
      break;
    case kNumeric:
      return w.Decimal(text);
    case kJson:
    case kJsonb:
      return w.RawJson(text);
    case kBytea:
      if (auto bytes = DecodeHexBytea(text)) return w.Blob(*bytes);
      break;
    case kDate:
      if (auto days = pg::ParseDate(text)) return w.Text(FormatDate(*days));
      break;
    case kTimestamp:
    case kTimestampTz:
      if (auto micros = pg::ParseTimestamp(text)) {
        return w.Text(IsoTimestamp(*micros, type == kTimestampTz));
      }
      break;
    default:
      if (const Oid element = ArrayElement(type)) {
        // The bounds decoration of arrays not starting at 1 ("[0:1]={...}") is dropped.
        size_t at = 0;
        if (text.starts_with('['))
          at = text.find('=') == std::string_view::npos ? 0 : text.find('=') + 1;
        JsonCellWriter array;
        if (WriteArray(text, at, element, array) && at == text.size()) {
          return w.RawJson(array.text());
        }
      }
      break;
  }
  // Text types, and values outside zcdp's ranges ('infinity' dates, BC years): as written.
  w.Text(text);
}

}  // namespace

std::vector<ColumnInfo> PostgresColumns(const PGresult* result) {
  std::vector<ColumnInfo> cols;
  const int n = PQnfields(result);
  cols.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) cols.push_back(pg::ColumnOf(PQfname(result, i), PQftype(result, i)));
  return cols;
}

std::string_view PostgresChunk::GetText(size_t column, size_t row) const {
  const int r = static_cast<int>(row), c = static_cast<int>(column);
  return {PQgetvalue(result_.get(), r, c), static_cast<size_t>(PQgetlength(result_.get(), r, c))};
}

int64_t PostgresChunk::GetInt(size_t column, size_t row) const {
  return pg::ParseInt(GetText(column, row)).value_or(0);
}

double PostgresChunk::GetDouble(size_t column, size_t row) const {
  return pg::ParseDouble(GetText(column, row)).value_or(0.0);
}

Value PostgresChunk::Get(size_t column, size_t row) const {
  if (IsNull(column, row)) return Value::Null();
  const std::string_view text = GetText(column, row);
  switch (columns_[column].kind) {
    case ColumnKind::kBoolean:
      return Value::Bool(text == "t");
    case ColumnKind::kInteger:
      if (auto v = pg::ParseInt(text)) return Value::Int(*v);
      break;
    case ColumnKind::kFloat:
    case ColumnKind::kDecimal:
      if (auto v = pg::ParseDouble(text)) return Value::Double(*v);
      break;
    case ColumnKind::kDate:
      if (auto v = pg::ParseDate(text)) return Value::Date(*v);
      break;
    case ColumnKind::kTimestamp:
    case ColumnKind::kTimestampTz:
      if (auto v = pg::ParseTimestamp(text)) return Value::Timestamp(*v);
      break;
    default:
      break;
  }
  return Value::Text(std::string(text));  // text, and values outside zcdp's ranges (infinity)
}

void PostgresChunk::WriteJson(size_t column, size_t row, JsonCellWriter& out) const {
  if (IsNull(column, row)) return out.Null();
  WriteScalar(PQftype(result_.get(), static_cast<int>(column)), GetText(column, row), out);
}

}  // namespace zcdp
