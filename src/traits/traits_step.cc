#include <optional>

#include "zcdp/step/output_tables.h"
#include "zcdp/traits/traits.h"

namespace zcdp {
namespace {

// True when `select` returns the columns `schema.profiles` has, by name and kind, in order.
bool SameColumns(Warehouse& wh, const std::string& schema, const std::string& select) {
  Result<std::vector<ColumnInfo>> now = wh.DescribeTable(schema, "profiles");
  Result<std::vector<ColumnInfo>> next = wh.DescribeQuery(select);
  if (!now.ok() || !next.ok() || now->size() != next->size()) return false;
  for (size_t i = 0; i < now->size(); ++i) {
    if ((*now)[i].name != (*next)[i].name || (*now)[i].type_name != (*next)[i].type_name) {
      return false;
    }
  }
  return true;
}

Result<StepCounts> RunTraits(StepContext& ctx) {
  Warehouse& wh = ctx.warehouse;
  const Dialect& d = wh.dialect();
  const std::string& schema = ctx.project.warehouse.output_schema;
  ZCDP_ASSIGN_OR_RETURN(const expr::BoundProject* bound, ctx.BoundConditions());
  ZCDP_ASSIGN_OR_RETURN(std::string select, ProfilesSql(ctx.project, d, *bound, ctx.as_of_micros));
  ctx.progress(0.1);
  // Switching between a view and a table: drop the other kind first.
  ZCDP_ASSIGN_OR_RETURN(std::optional<TableInfo> now,
                        FindOutputObject(ctx.project, wh, "profiles"));
  const bool is_view = now && now->is_view, is_table = now && !now->is_view;
  const std::string target = d.QuoteIdentifier(schema) + "." + d.QuoteIdentifier("profiles");
  const bool materialize = ctx.project.profiles.materialize;
  // PostgreSQL cannot replace a view whose columns changed (a trait added or removed): then
  // the view is dropped and created again, in the step's transaction. When the columns are
  // the same it is replaced in place, so that views a user built on it keep working.
  if (is_view && (materialize || !SameColumns(wh, schema, select))) {
    ZCDP_RETURN_IF_ERROR(wh.Execute("DROP VIEW " + target));
  }
  if (is_table && !materialize) {
    ZCDP_RETURN_IF_ERROR(wh.Execute("DROP TABLE " + target));
  }
  if (materialize) {
    for (const auto& sql : d.CreateOrReplaceTableAs(schema, "profiles", select)) {
      ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
    }
  } else {
    ZCDP_RETURN_IF_ERROR(wh.Execute(d.CreateOrReplaceView(schema, "profiles", select)));
  }
  ctx.progress(0.9);
  StepCounts counts;
  counts["traits"] = static_cast<int64_t>(ctx.project.traits.size());
  ZCDP_ASSIGN_OR_RETURN(counts["profiles"], QueryInt(wh, "SELECT count(*) FROM " + target));
  return counts;
}

}  // namespace

Step TraitsStep() {
  return {"traits",
          "compute traits per profile into <output_schema>.profiles (a view unless "
          "profiles.materialize)",
          {"identity"},
          RunTraits};
}

}  // namespace zcdp
