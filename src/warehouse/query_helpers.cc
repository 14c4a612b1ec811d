#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

Result<size_t> QueryResult::ColumnIndex(std::string_view name) const {
  std::string names;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
    names += (names.empty() ? "" : ", ") + columns[i].name;
  }
  return Status::NotFound("the result has no column '" + std::string(name) + "' (it has " +
                          (names.empty() ? std::string("none") : names) + ")");
}

Result<Value> QueryResult::At(size_t row, std::string_view name) const {
  ZCDP_ASSIGN_OR_RETURN(size_t column, ColumnIndex(name));
  return rows.at(row).at(column);
}

Status ExecuteAll(Warehouse& wh, const std::vector<std::string>& statements) {
  for (size_t i = 0; i < statements.size(); ++i) {
    Status s = wh.Execute(statements[i]);
    if (!s.ok() && statements.size() > 1) {
      return s.WithContext("statement " + std::to_string(i + 1) + " of " +
                           std::to_string(statements.size()));
    }
    ZCDP_RETURN_IF_ERROR(s);
  }
  return Status::Ok();
}

Result<int64_t> QueryInt(Warehouse& wh, std::string_view sql, const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(sql, params));
  if (r.rows.empty() || r.rows[0].empty()) return Status::Invalid("expected a row with a number");
  const Value& v = r.rows[0][0];
  if (v.is_null()) return int64_t{0};
  if (const auto* i = std::get_if<int64_t>(&v.storage())) return *i;
  return Status::Invalid("expected an integer, got " + v.ToString());
}

Result<std::string> QueryText(Warehouse& wh, std::string_view sql,
                              const std::vector<Value>& params) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(sql, params));
  if (r.rows.empty() || r.rows[0].empty() || r.rows[0][0].is_null()) return std::string();
  return r.rows[0][0].ToString();
}

}  // namespace zcdp
