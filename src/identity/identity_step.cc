#include <map>

#include "zcdp/common/log.h"
#include "zcdp/identity/components.h"
#include "zcdp/identity/identity.h"
#include "zcdp/identity/normalize.h"

#include "identity/exec.h"
#include "identity/guardrails.h"
#include "identity/identity_sql.h"
#include "identity/phones.h"
#include "identity/rejections.h"
#include "identity/scope.h"
#include "identity/stable_ids.h"

namespace zcdp {
namespace {

Result<int64_t> CountOf(Warehouse& wh, const std::string& sql) { return QueryInt(wh, sql); }

Status CountSkipped(Warehouse& wh, const IdentitySql& q, const Project& project, StepCounts& out) {
  for (const auto& s : project.sources) {
    if (s.identifiers.empty()) continue;
    ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(q.NullCounts(s)));
    for (const auto& v : r.rows.at(0)) {
      ZCDP_ASSIGN_OR_RETURN(int64_t n, v.AsInt("a null count"));
      out["skipped.null"] += n;
    }
  }
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("SELECT skip_reason, CAST(sum(observed) AS BIGINT) FROM " + q.T("identity_values") +
               " WHERE skip_reason IS NOT NULL GROUP BY skip_reason"));
  for (const auto& row : r.rows) {
    ZCDP_ASSIGN_OR_RETURN(out["skipped." + row[0].ToString()], row[1].AsInt("a skip count"));
  }
  return Status::Ok();
}

// Warns about each id type most of whose values the type's rules rejected: a wrong
// default_region or regex otherwise shows only as a skipped count. Adds "warnings".
Status WarnAboutRejections(Warehouse& wh, const IdentitySql& q, StepCounts& counts) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TypeRejections> rejections, ReadRejections(wh, q));
  for (const std::string& warning : RejectionWarnings(rejections, q.types())) {
    LogWarn(warning);
    ++counts["warnings"];
  }
  return Status::Ok();
}

// Whether `s` can be compared row by row with its kept observations: it was read before
// under the same mapping, and no full refresh was asked for.
bool CanReadIncrementally(const StepContext& ctx, const IdentitySql& q, const SourceConfig& s,
                          const QueryResult& wm) {
  return !ctx.full_refresh && !s.identifiers.empty() && !wm.rows.empty() &&
         wm.rows[0][0] == Value::Text(q.Fingerprint(s));
}

// Brings the observations of `s` up to date with only its added, changed and deleted rows,
// found by key and content. Returns how many rows changed.
// The changed rows and the values they held before and hold now go to the scope.
Result<int64_t> ReadChangedRows(Warehouse& wh, const IdentitySql& q, const IdentityScope& scope,
                                const SourceConfig& s) {
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.RowChanges(s)));
  ZCDP_ASSIGN_OR_RETURN(int64_t changed, CountOf(wh, q.CountRowChanges()));
  if (changed > 0) {
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, {scope.AddChangedRows(s), scope.AddTouchedValues(s)}));
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.ApplyRowChanges(s)));
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, {scope.AddTouchedValues(s)}));
  }
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, {q.DropRowChanges()}));
  return changed;
}

// Reads what changed: each source's added, changed and deleted rows replace their
// observations; a source read for the first time, under a changed mapping or with
// --full-refresh is read in full. Sets `removed` when a source left the project.
Status ReadObservations(StepContext& ctx, const IdentitySql& q, const IdentityScope& scope,
                        StepCounts& counts, bool& removed) {
  Warehouse& wh = ctx.warehouse;
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.CreateIncrementalTables()));
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, scope.Create()));
  for (const auto& s : ctx.project.sources) {
    const std::string fp = q.Fingerprint(s);
    ZCDP_ASSIGN_OR_RETURN(QueryResult wm, wh.Query(q.ReadWatermark(), {Value::Text(s.name.value)}));
    if (CanReadIncrementally(ctx, q, s, wm)) {
      ZCDP_ASSIGN_OR_RETURN(int64_t changed, ReadChangedRows(wh, q, scope, s));
      counts["rows.changed"] += changed;
      ++counts["sources.incremental"];
    } else {
      ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.ReloadSource(s)));
      ++counts["sources.full"];
    }
    for (const auto& sql : q.SaveWatermark()) {
      ZCDP_RETURN_IF_ERROR(wh.Execute(sql, {Value::Text(s.name.value), Value::Text(fp)}));
    }
  }
  // Rows of sources no longer in the project leave with them.
  std::string names;
  for (const auto& s : ctx.project.sources) {
    names += (names.empty() ? "" : ", ") + wh.dialect().QuoteString(s.name.value);
  }
  if (names.empty()) names = "''";
  ZCDP_ASSIGN_OR_RETURN(int64_t gone,
                        CountOf(wh, "SELECT count(*) FROM " + q.T("identity_observations") +
                                        " WHERE source NOT IN (" + names + ")"));
  removed = gone > 0;
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh, {"DELETE FROM " + q.T("identity_observations") + " WHERE source NOT IN (" + names + ")",
           "DELETE FROM " + q.T("identity_watermarks") + " WHERE source NOT IN (" + names + ")"}));
  return ExecAll(wh, wh.dialect().RefreshStatistics(q.schema(), "identity_observations"));
}

// native or sql: `auto` means native on an in-process engine, sql elsewhere.
IdentityStrategy Strategy(const StepContext& ctx) {
  const IdentityStrategy strategy = ctx.project.identity.strategy_kind;
  if (strategy != IdentityStrategy::kAuto) return strategy;
  return ctx.warehouse.capabilities().in_process ? IdentityStrategy::kNative
                                                 : IdentityStrategy::kSql;
}

Result<ComponentsStats> Components(StepContext& ctx, const ComponentsTables& t) {
  if (Strategy(ctx) == IdentityStrategy::kNative) return ComponentsNative(ctx.warehouse, t);
  return ComponentsSql(ctx.warehouse, t);
}

// Whether the kept working tables can be updated in the scope of the changed rows: every
// source was compared row by row, none left the project, and the last identity step
// succeeded (a failed or killed one may have left them half-written). In-process engines
// (DuckDB) only, for now.
Result<bool> CanRebuildInScope(StepContext& ctx, const IdentitySql& q, const StepCounts& counts,
                               bool removed) {
  if (ctx.full_refresh || removed || counts.count("sources.full") > 0) return false;
  Warehouse& wh = ctx.warehouse;
  // PostgreSQL plans the scoped statements badly (a nested loop over record ids ran for
  // over 12 minutes at 1e5): it rebuilds in full until those plans are fixed and measured.
  if (!wh.capabilities().in_process) return false;
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult last,
      wh.Query("SELECT status FROM " + q.T("run_steps") + " WHERE step = 'identity' AND run_id < " +
                   wh.dialect().Placeholder(1) + " ORDER BY run_id DESC " + wh.dialect().Limit(1),
               {Value::Int(ctx.run_id)}));
  return !last.rows.empty() && last.rows[0][0] == Value::Text("succeeded");
}

// Nodes, record centers, edges and components of the scope only; false when the scope did
// not close and the caller must rebuild in full.
Result<bool> RebuildInScope(StepContext& ctx, const IdentityScope& scope, StepCounts& counts) {
  Warehouse& wh = ctx.warehouse;
  ZCDP_ASSIGN_OR_RETURN(bool closed,
                        scope.Update(wh, counts["scope.records"], counts["scope.nodes"]));
  if (!closed) return false;
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, scope.PrepareComponents()));
  ZCDP_ASSIGN_OR_RETURN(ComponentsStats cc, Components(ctx, scope.Components()));
  counts["cc_rounds"] = cc.rounds;
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, scope.MergeComponents()));
  return true;
}

// Every working table from all observations.
Status RebuildInFull(StepContext& ctx, const IdentitySql& q, StepCounts& counts) {
  ZCDP_RETURN_IF_ERROR(ExecAll(ctx.warehouse, {q.Values(), q.RecordIds(), q.Quarantine(), q.Nodes(),
                                               q.RecordCenters(), q.Edges(), q.EdgePairsView()}));
  const ComponentsTables t{q.schema(), "identity_nodes", "identity_edge_pairs",
                           "identity_components"};
  ZCDP_ASSIGN_OR_RETURN(ComponentsStats cc, Components(ctx, t));
  counts["cc_rounds"] = cc.rounds;
  return Status::Ok();
}

// Resolves the components that break a max_per_profile limit, in process (they are few and
// small), and writes their new labels and the dropped edges back.
Result<int64_t> ApplyGuardrails(Warehouse& wh, const IdentitySql& q) {
  ZCDP_RETURN_IF_ERROR(wh.Execute(q.ViolatingComponents()));
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(q.ViolatingEdges()));
  std::vector<GuardrailEdge> edges;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    ZCDP_ASSIGN_OR_RETURN(Value a, r.At(i, "a"));
    ZCDP_ASSIGN_OR_RETURN(Value b, r.At(i, "b"));
    ZCDP_ASSIGN_OR_RETURN(Value a_type, r.At(i, "a_type"));
    ZCDP_ASSIGN_OR_RETURN(Value b_type, r.At(i, "b_type"));
    ZCDP_ASSIGN_OR_RETURN(int64_t node_a, a.AsInt("identity edge node a"));
    ZCDP_ASSIGN_OR_RETURN(int64_t node_b, b.AsInt("identity edge node b"));
    edges.push_back({node_a, node_b, a_type.ToString(), b_type.ToString()});
  }
  std::map<std::string, int64_t> limits;
  std::vector<std::string> order;
  for (const auto& t : q.types()) {
    order.push_back(t.name);
    if (t.max_per_profile > 0) limits[t.name] = t.max_per_profile;
  }
  const GuardrailResult res = ResolveGuardrails(edges, limits, order);
  ZCDP_ASSIGN_OR_RETURN(auto labels, wh.CreateAppender(q.schema(), "identity_guardrail_labels"));
  for (const auto& [node, component] : res.labels) {
    ZCDP_RETURN_IF_ERROR(labels->AppendInt(node));
    ZCDP_RETURN_IF_ERROR(labels->AppendInt(component));
    ZCDP_RETURN_IF_ERROR(labels->EndRow());
  }
  ZCDP_RETURN_IF_ERROR(labels->Close());
  ZCDP_ASSIGN_OR_RETURN(auto dropped, wh.CreateAppender(q.schema(), "identity_dropped"));
  for (const auto& d : res.dropped) {
    ZCDP_RETURN_IF_ERROR(dropped->AppendInt(d.a));
    ZCDP_RETURN_IF_ERROR(dropped->AppendInt(d.b));
    ZCDP_RETURN_IF_ERROR(dropped->AppendText(d.rule));
    ZCDP_RETURN_IF_ERROR(dropped->EndRow());
  }
  ZCDP_RETURN_IF_ERROR(dropped->Close());
  ZCDP_RETURN_IF_ERROR(wh.Execute("UPDATE " + q.T("identity_components") +
                                  " SET component = g.component FROM " +
                                  q.T("identity_guardrail_labels") + " g WHERE " +
                                  q.T("identity_components") + ".node = g.node"));
  return static_cast<int64_t>(res.dropped.size());
}

Result<StepCounts> RunIdentity(StepContext& ctx) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<IdTypeSpec> types, IdTypeSpecs(ctx.project));
  StepCounts counts;
  if (types.empty()) return counts;
  Warehouse& wh = ctx.warehouse;
  const IdentitySql q(ctx.project, wh.dialect(), types, BlocklistPatterns(ctx.project));
  const IdentityScope scope(q);
  bool removed = false;
  ZCDP_RETURN_IF_ERROR(ReadObservations(ctx, q, scope, counts, removed));
  ZCDP_RETURN_IF_ERROR(wh.Execute(q.CreatePhoneMap()));
  ctx.progress(0.2);
  for (const auto& t : types) {
    if (t.rule != NormalizeRule::kPhoneE164) continue;
    ZCDP_ASSIGN_OR_RETURN(counts["phones_parsed"], NormalizePhones(wh, q, t));
  }
  ZCDP_ASSIGN_OR_RETURN(bool scoped, CanRebuildInScope(ctx, q, counts, removed));
  if (scoped) {
    ZCDP_ASSIGN_OR_RETURN(scoped, RebuildInScope(ctx, scope, counts));
  }
  if (!scoped) ZCDP_RETURN_IF_ERROR(RebuildInFull(ctx, q, counts));
  counts["scoped"] = scoped ? 1 : 0;
  ZCDP_RETURN_IF_ERROR(CountSkipped(wh, q, ctx.project, counts));
  ZCDP_RETURN_IF_ERROR(WarnAboutRejections(wh, q, counts));
  ctx.progress(0.7);
  ZCDP_ASSIGN_OR_RETURN(counts["nodes"],
                        CountOf(wh, "SELECT count(*) FROM " + q.T("identity_nodes")));
  ZCDP_ASSIGN_OR_RETURN(counts["edges"],
                        CountOf(wh, "SELECT count(*) FROM " + q.T("identity_edges")));
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, StableIdSql::CreateHistoryTables(q, scoped)));
  if (scoped) ZCDP_RETURN_IF_ERROR(ExecAll(wh, {scope.DeleteDroppedInScope()}));
  if (Strategy(ctx) == IdentityStrategy::kNative) {
    ZCDP_ASSIGN_OR_RETURN(counts["conflicts"], ApplyGuardrails(wh, q));
  } else {
    ZCDP_ASSIGN_OR_RETURN(counts["conflicts"], ApplyGuardrailsSql(wh, q));
  }
  // Every dropped edge, those kept from earlier runs outside the scope included.
  ZCDP_ASSIGN_OR_RETURN(counts["conflicts"],
                        CountOf(wh, "SELECT count(*) FROM " + q.T("identity_dropped")));
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, StableIdSql::SnapshotPrevious(q)));
  if (scoped) {
    ZCDP_RETURN_IF_ERROR(ExecAll(
        wh, {"DELETE FROM " + q.T("identity_assignment") + " WHERE " + scope.InScope("component"),
             "INSERT INTO " + q.T("identity_assignment") + " " +
                 StableIdSql::AssignmentSelect(q, scope.InScope("c.component"))}));
  } else {
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, {StableIdSql::Assignment(q)}));
  }
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, {StableIdSql::Merges(q, ctx.run_id),
                                    StableIdSql::Conflicts(q, ctx.run_id), StableIdSql::Graph(q)}));
  if (scoped) {
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, scope.UpdateRecordProfiles()));
  } else {
    ZCDP_RETURN_IF_ERROR(ExecAll(wh, {StableIdSql::RecordProfiles(q)}));
  }
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, {StableIdSql::DropWorkingTables(q)}));
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, scope.Drop()));
  ZCDP_ASSIGN_OR_RETURN(counts["profiles"], CountOf(wh, "SELECT count(DISTINCT profile_id) FROM " +
                                                            q.T("identity_graph")));
  ZCDP_ASSIGN_OR_RETURN(counts["quarantined"],
                        CountOf(wh, "SELECT count(*) FROM " + q.T("identity_quarantine")));
  ZCDP_ASSIGN_OR_RETURN(counts["merges"],
                        CountOf(wh, "SELECT count(*) FROM " + q.T("profile_merges") +
                                        " WHERE run_id = " + std::to_string(ctx.run_id)));
  return counts;
}

}  // namespace

Step IdentityStep() {
  return {"identity",
          "stitch identifiers into profiles: normalise, quarantine, star edges, connected "
          "components, guardrails, stable profile ids",
          {"sources"},
          RunIdentity};
}

}  // namespace zcdp
