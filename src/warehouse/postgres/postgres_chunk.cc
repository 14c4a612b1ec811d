#include "warehouse/postgres/postgres_chunk.h"

namespace zcdp {

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

}  // namespace zcdp
