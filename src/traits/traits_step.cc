#include <cctype>
#include <optional>
#include <string>
#include <vector>

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

// (Re)creates profiles with the traits of `project` and returns the step's counts.
Result<StepCounts> BuildProfiles(StepContext& ctx, const Project& project,
                                 const expr::BoundProject& bound) {
  Warehouse& wh = ctx.warehouse;
  const Dialect& d = wh.dialect();
  const std::string& schema = project.warehouse.output_schema;
  ZCDP_ASSIGN_OR_RETURN(std::string select, ProfilesSql(project, d, bound, ctx.as_of_micros));
  ctx.progress(0.1);
  // Switching between a view and a table: drop the other kind first.
  ZCDP_ASSIGN_OR_RETURN(std::optional<TableInfo> now, FindOutputObject(project, wh, "profiles"));
  const bool is_view = now && now->is_view, is_table = now && !now->is_view;
  const std::string target = d.QuoteIdentifier(schema) + "." + d.QuoteIdentifier("profiles");
  const bool materialize = project.profiles.materialize;
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
  counts["traits"] = static_cast<int64_t>(project.traits.size());
  ZCDP_ASSIGN_OR_RETURN(counts["profiles"], QueryInt(wh, "SELECT count(*) FROM " + target));
  return counts;
}

bool IsOverOtherTraits(const TraitConfig& t) { return t.sql && !t.source; }

// True when the SQL of trait `t` names `other` as a word (an sql trait over other traits).
bool Names(const TraitConfig& t, const std::string& other) {
  const std::string& sql = t.sql->value;
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = sql.find(other); at != std::string::npos; at = sql.find(other, at + 1)) {
    const size_t end = at + other.size();
    if ((at == 0 || !word(sql[at - 1])) && (end == sql.size() || !word(sql[end]))) return true;
  }
  return false;
}

// Why trait `t` cannot be computed alone over the traits of `kept`, or "" when it can: its
// SQL does not build or its values fail to compute. A failed probe aborts the step's
// transaction, which is then begun again (nothing was written in it yet).
Result<std::string> ProbeTrait(StepContext& ctx, const Project& kept,
                               const expr::BoundProject& bound, const TraitConfig& t) {
  Warehouse& wh = ctx.warehouse;
  Result<std::string> select =
      ProfilesSql(kept, wh.dialect(), bound, ctx.as_of_micros, {t.name.value});
  if (!select.ok()) return select.status().message();
  // count(column), not count(*): the engine must compute the trait's values.
  Result<int64_t> probed =
      QueryInt(wh, "SELECT count(" + wh.dialect().QuoteIdentifier(t.name.value) + ") FROM (" +
                       *select + ") q");
  if (probed.ok()) return std::string();
  ZCDP_RETURN_IF_ERROR(RestartStepTransaction(wh));
  return probed.status().message();
}

// `kept` without its sql traits over other traits, except `t`: how an sql trait over other
// traits is probed alone (the profiles SELECT computes them all side by side).
Project WithoutOtherSqlTraits(const Project& kept, const TraitConfig& t) {
  Project alone = kept;
  std::erase_if(alone.traits, [&](const TraitConfig& k) {
    return IsOverOtherTraits(k) && k.name.value != t.name.value;
  });
  return alone;
}

// Removes from `kept` each trait that fails on its own (ProbeTrait), and each sql trait that
// reads one, recording them in ctx.failures. Traits over sources are probed first, so that
// a trait over other traits is probed over those that work.
Status SetAsideBrokenTraits(StepContext& ctx, const expr::BoundProject& bound, Project& kept) {
  std::vector<std::string> failed;
  const auto set_aside = [&](const TraitConfig& t, std::string why, bool skipped) {
    ctx.failures->Add({"trait", t.name.value, std::move(why), skipped});
    failed.push_back(t.name.value);
    std::erase_if(kept.traits, [&](const TraitConfig& k) { return k.name.value == t.name.value; });
  };
  for (const bool over_traits : {false, true}) {
    for (const TraitConfig& t : ctx.project.traits) {
      if (IsOverOtherTraits(t) != over_traits) continue;
      std::string read;
      for (const auto& f : failed) {
        if (over_traits && read.empty() && Names(t, f)) read = f;
      }
      if (!read.empty()) {
        set_aside(t, "reads trait '" + read + "', which failed in this run", true);
        continue;
      }
      const Project alone = over_traits ? WithoutOtherSqlTraits(kept, t) : Project();
      ZCDP_ASSIGN_OR_RETURN(std::string why, ProbeTrait(ctx, over_traits ? alone : kept, bound, t));
      if (!why.empty()) set_aside(t, why, false);
    }
  }
  return Status::Ok();
}

Result<StepCounts> RunTraits(StepContext& ctx) {
  ZCDP_ASSIGN_OR_RETURN(const expr::BoundProject* bound, ctx.BoundConditions());
  Result<StepCounts> built = BuildProfiles(ctx, ctx.project, *bound);
  if (built.ok()) return built;
  // One broken trait fails the whole SELECT: find the traits that fail alone, and build
  // profiles without them, so that the others and the audiences over them go on.
  ZCDP_RETURN_IF_ERROR(RestartStepTransaction(ctx.warehouse));
  Project kept = ctx.project;
  ZCDP_RETURN_IF_ERROR(SetAsideBrokenTraits(ctx, *bound, kept));
  if (kept.traits.size() == ctx.project.traits.size()) return built;  // no trait to blame
  if (kept.traits.empty() && !ctx.project.traits.empty()) {
    return Status::Invalid("every trait failed: " + built.status().message());
  }
  return BuildProfiles(ctx, kept, *bound);
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
