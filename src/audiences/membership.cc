#include "zcdp/audiences/membership.h"

#include <map>
#include <string>
#include <vector>

#include "zcdp/audiences/compile.h"
#include "zcdp/step/output_tables.h"

namespace zcdp::audience {

namespace {

// Names of zcdp's membership tables in the output schema.
class MembershipSql {
 public:
  MembershipSql(const Project& p, const Dialect& d) : d_(d), schema_(p.warehouse.output_schema) {}

  std::string T(const std::string& name) const {
    return d_.QuoteIdentifier(schema_) + "." + d_.QuoteIdentifier(name);
  }

  std::vector<std::string> CreateTables() const {
    return {CreateOutputTable(d_, schema_, "audience_membership"),
            CreateOutputTable(d_, schema_, "audience_history")};
  }

  // The scratch table of the members of the audience being updated.
  std::string Current() const { return d_.ScratchTable(schema_, "audience_current"); }

  // Statements that fill Current() with the distinct profile ids of `select`.
  std::vector<std::string> CreateCurrent(const std::string& select) const {
    return d_.CreateScratchTableAs(schema_, "audience_current",
                                   "SELECT DISTINCT profile_id FROM (" + select + ") q");
  }

  // Rows of Current() not yet members.
  std::string Entering() const {
    return "SELECT c.profile_id FROM " + Current() + " c WHERE NOT EXISTS (SELECT 1 FROM " +
           T("audience_membership") + " m WHERE m.audience = " + d_.Placeholder(1) +
           " AND m.profile_id = c.profile_id)";
  }

  // Members no longer in Current().
  std::string Exiting() const {
    return "SELECT m.profile_id FROM " + T("audience_membership") +
           " m WHERE m.audience = " + d_.Placeholder(1) + " AND NOT EXISTS (SELECT 1 FROM " +
           Current() + " c WHERE c.profile_id = m.profile_id)";
  }

  const Dialect& d() const { return d_; }

 private:
  const Dialect& d_;
  std::string schema_;
};

struct Changes {
  int64_t size = 0;
  int64_t entered = 0;
  int64_t exited = 0;
};

// Replaces the members of audience `name` by the rows of `select`; stays start and end at
// the run's instant `as_of`.
Result<Changes> UpdateAudience(Warehouse& wh, const MembershipSql& m, const std::string& name,
                               const std::string& select, int64_t as_of) {
  const Dialect& d = m.d();
  const std::vector<Value> a = {Value::Text(name)};
  const std::string now = d.TimestampLiteral(as_of);
  for (const auto& sql : m.CreateCurrent(select)) ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
  Changes c;
  ZCDP_ASSIGN_OR_RETURN(c.size, QueryInt(wh, "SELECT count(*) FROM " + m.Current()));
  ZCDP_ASSIGN_OR_RETURN(c.entered,
                        QueryInt(wh, "SELECT count(*) FROM (" + m.Entering() + ") e", a));
  ZCDP_ASSIGN_OR_RETURN(c.exited, QueryInt(wh, "SELECT count(*) FROM (" + m.Exiting() + ") x", a));
  ZCDP_RETURN_IF_ERROR(wh.Execute(
      "UPDATE " + m.T("audience_history") + " SET exited_at = " + now + " WHERE audience = " +
          d.Placeholder(1) + " AND exited_at IS NULL AND profile_id IN (" + m.Exiting() + ")",
      a));
  ZCDP_RETURN_IF_ERROR(wh.Execute("INSERT INTO " + m.T("audience_history") + " SELECT " +
                                      d.Placeholder(1) + ", e.profile_id, " + now +
                                      ", NULL FROM (" + m.Entering() + ") e",
                                  a));
  ZCDP_RETURN_IF_ERROR(wh.Execute("DELETE FROM " + m.T("audience_membership") +
                                      " WHERE audience = " + d.Placeholder(1) +
                                      " AND profile_id IN (" + m.Exiting() + ")",
                                  a));
  ZCDP_RETURN_IF_ERROR(wh.Execute("INSERT INTO " + m.T("audience_membership") + " SELECT " +
                                      d.Placeholder(1) + ", e.profile_id, " + now + " FROM (" +
                                      m.Entering() + ") e",
                                  a));
  return c;
}

// Members of audiences that are no longer in the project exit, at the run's instant.
Result<int64_t> RetireRemoved(Warehouse& wh, const MembershipSql& m, const Project& project,
                              int64_t as_of) {
  const Dialect& d = m.d();
  std::vector<Value> names;
  std::string list;
  for (const auto& a : project.audiences) {
    names.push_back(Value::Text(a.name.value));
    list += (list.empty() ? "" : ", ") + d.Placeholder(static_cast<int>(names.size()));
  }
  const std::string gone = list.empty() ? "TRUE" : "audience NOT IN (" + list + ")";
  ZCDP_ASSIGN_OR_RETURN(
      int64_t n,
      QueryInt(wh, "SELECT count(*) FROM " + m.T("audience_membership") + " WHERE " + gone, names));
  ZCDP_RETURN_IF_ERROR(wh.Execute("UPDATE " + m.T("audience_history") +
                                      " SET exited_at = " + d.TimestampLiteral(as_of) +
                                      " WHERE exited_at IS NULL AND " + gone,
                                  names));
  ZCDP_RETURN_IF_ERROR(
      wh.Execute("DELETE FROM " + m.T("audience_membership") + " WHERE " + gone, names));
  return n;
}

// Why audience `a` is skipped in this pass, or "": it reads a trait that failed in this
// run, or is in_audience of an audience set aside.
std::string SkipReason(const StepContext& ctx, const expr::BoundAudience& a,
                       const std::map<std::string, ItemFailure>& set_aside) {
  for (const auto& t : a.condition.traits) {
    if (ctx.failures->Failed("trait", t))
      return "reads trait '" + t + "', which failed in this run";
  }
  for (const auto& r : a.condition.audiences) {
    if (set_aside.count(r) != 0) return "reads audience '" + r + "', which failed in this run";
  }
  return "";
}

// One pass over the audiences: updates each one not in `set_aside`, adding those skipped for
// their dependencies to it. When an audience fails, returns its error and sets *failed.
Result<StepCounts> UpdateAll(StepContext& ctx, const Project& kept, const expr::BoundProject& bound,
                             std::map<std::string, ItemFailure>& set_aside, std::string* failed) {
  Warehouse& wh = ctx.warehouse;
  const MembershipSql m(ctx.project, wh.dialect());
  for (const auto& sql : m.CreateTables()) ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
  const std::vector<std::string> order = bound.Order();
  // A materialised profiles table is read as is; over the view, each audience computes only
  // the traits it reads.
  const Compiler compiler(
      kept, wh.dialect(), bound, ctx.as_of_micros, "",
      kept.profiles.materialize ? TraitValues::kProfilesRelation : TraitValues::kInline);
  StepCounts counts;
  ZCDP_ASSIGN_OR_RETURN(counts["retired_members"],
                        RetireRemoved(wh, m, ctx.project, ctx.as_of_micros));
  int64_t computed = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& name = order[i];
    if (set_aside.count(name) != 0) continue;
    if (std::string why = SkipReason(ctx, *bound.FindAudience(name), set_aside); !why.empty()) {
      set_aside[name] = {"audience", name, why, /*skipped=*/true};
      continue;
    }
    Result<std::string> select = compiler.AudienceSql(name);
    Result<Changes> changes = select.status();
    if (select.ok()) changes = UpdateAudience(wh, m, name, *select, ctx.as_of_micros);
    if (!changes.ok()) {
      *failed = name;
      return changes.status().WithContext("audience '" + name + "'");
    }
    counts[name + ".size"] = changes->size;
    counts[name + ".entered"] = changes->entered;
    counts[name + ".exited"] = changes->exited;
    ++computed;
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(order.size()));
  }
  ZCDP_RETURN_IF_ERROR(wh.Execute("DROP TABLE IF EXISTS " + m.Current()));
  // Builds before scratch tables kept it in the output schema (the same name on PostgreSQL).
  ZCDP_RETURN_IF_ERROR(wh.Execute("DROP TABLE IF EXISTS " + m.T("audience_current")));
  for (const char* table : {"audience_membership", "audience_history"}) {
    for (const auto& sql :
         wh.dialect().RefreshStatistics(ctx.project.warehouse.output_schema, table)) {
      ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
    }
  }
  counts["audiences"] = computed;
  return counts;
}

Result<StepCounts> RunAudiences(StepContext& ctx) {
  ZCDP_ASSIGN_OR_RETURN(const expr::BoundProject* bound, ctx.BoundConditions());
  // The traits that failed in this run are not in profiles: compile without them.
  Project kept = ctx.project;
  std::erase_if(kept.traits,
                [&](const TraitConfig& t) { return ctx.failures->Failed("trait", t.name.value); });
  std::map<std::string, ItemFailure> set_aside;
  for (const auto& a : ctx.project.audiences) {
    if (bound->FindAudience(a.name.value) != nullptr) continue;
    const std::string* problem = ctx.conditions->Problem(a.name.value);
    set_aside[a.name.value] = {"audience", a.name.value,
                               problem != nullptr
                                   ? "zcdp validate refuses it: " + *problem
                                   : "its condition has a problem, or reads an audience that "
                                     "has one (zcdp validate says where)"};
  }
  // A failed statement aborts the step's transaction: set its audience aside, roll back and
  // go again, so that every other audience is computed. Each pass sets one more aside.
  for (;;) {
    std::string failed;
    Result<StepCounts> counts = UpdateAll(ctx, kept, *bound, set_aside, &failed);
    if (!counts.ok() && failed.empty()) return counts.status();
    if (!counts.ok()) {
      set_aside[failed] = {"audience", failed, counts.status().message()};
      ZCDP_RETURN_IF_ERROR(RestartStepTransaction(ctx.warehouse));
      continue;
    }
    // In project order, so that the record reads like the project file.
    for (const auto& a : ctx.project.audiences) {
      auto it = set_aside.find(a.name.value);
      if (it != set_aside.end()) ctx.failures->Add(it->second);
    }
    if (!ctx.project.audiences.empty() && set_aside.size() == ctx.project.audiences.size()) {
      return Status::Invalid("every audience failed or was skipped; the first: " +
                             set_aside.begin()->first + ": " + set_aside.begin()->second.error);
    }
    return counts;
  }
}

}  // namespace

Step AudiencesStep() {
  return {"audiences",
          "evaluate audiences in the warehouse; update audience_membership and "
          "audience_history",
          {"traits"},
          RunAudiences};
}

Result<std::vector<AudiencePlan>> PlanAudiences(const Project& project,
                                                const expr::BoundProject& bound, Warehouse& wh,
                                                int64_t as_of_micros,
                                                const std::string& profiles_relation,
                                                TraitValues traits) {
  const MembershipSql m(project, wh.dialect());
  const Dialect& d = wh.dialect();
  const Compiler compiler(project, d, bound, as_of_micros, profiles_relation, traits);
  ZCDP_ASSIGN_OR_RETURN(bool has_members, OutputTableExists(project, wh, "audience_membership"));
  std::vector<AudiencePlan> plans;
  for (const auto& name : bound.Order()) {
    AudiencePlan plan;
    plan.name = name;
    ZCDP_ASSIGN_OR_RETURN(plan.sql, compiler.AudienceSql(name));
    const std::string next = "(SELECT DISTINCT profile_id FROM (" + plan.sql + ") q)";
    ZCDP_ASSIGN_OR_RETURN(plan.next, QueryInt(wh, "SELECT count(*) FROM " + next + " n"));
    if (!has_members) {
      plan.entering = plan.next;
      plans.push_back(std::move(plan));
      continue;
    }
    const std::vector<Value> a = {Value::Text(name)};
    const std::string members = "(SELECT profile_id FROM " + m.T("audience_membership") +
                                " WHERE audience = " + d.Placeholder(1) + ")";
    ZCDP_ASSIGN_OR_RETURN(plan.current, QueryInt(wh, "SELECT count(*) FROM " + members + " c", a));
    ZCDP_ASSIGN_OR_RETURN(
        plan.entering,
        QueryInt(wh, "SELECT count(*) FROM " + next + " n WHERE n.profile_id NOT IN " + members,
                 a));
    ZCDP_ASSIGN_OR_RETURN(
        plan.exiting,
        QueryInt(wh, "SELECT count(*) FROM " + members + " c WHERE c.profile_id NOT IN " + next,
                 a));
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace zcdp::audience
