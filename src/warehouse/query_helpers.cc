#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

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
