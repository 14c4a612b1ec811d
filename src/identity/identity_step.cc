#include <chrono>
#include <cstdlib>
#include <map>

#include "zcdp/common/log.h"
#include "zcdp/identity/components.h"
#include "zcdp/identity/identity.h"
#include "zcdp/identity/normalize.h"

#include "identity/guardrails.h"
#include "identity/identity_sql.h"
#include "identity/phones.h"
#include "identity/rejections.h"
#include "identity/stable_ids.h"

namespace zcdp {
namespace {

Status ExecAll(Warehouse& wh, const std::vector<std::string>& statements) {
  for (const auto& sql : statements) {
    const auto start = std::chrono::steady_clock::now();
    ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    LogDebug("identity: " + std::to_string(took.count()) +
             "s: " + sql.substr(0, std::getenv("ZCDP_LOG_FULL_SQL") ? std::string::npos : 90));
  }
  return Status::Ok();
}

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

// Why the source's rows up to its settled point (the watermark minus the overlap) are not
// those the last run recorded: "" when their count and digest are unchanged.
Result<std::string> SettledChange(Warehouse& wh, const IdentitySql& q, const SourceConfig& s) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult saved, wh.Query(q.ReadSettled(), {Value::Text(s.name.value)}));
  if (saved.rows.empty() || saved.rows[0][0].is_null())
    return std::string("no digest of its rows yet");
  ZCDP_ASSIGN_OR_RETURN(QueryResult now, wh.Query(q.SettledDigest(s), {saved.rows[0][0]}));
  if (now.rows.at(0)[0] == saved.rows[0][1] && now.rows[0][1] == saved.rows[0][2])
    return std::string();
  return std::string("rows at or before its watermark were added, changed or deleted");
}

// Records the count and digest of the source's rows up to its new watermark minus the overlap.
Status SaveSettled(Warehouse& wh, const IdentitySql& q, const SourceConfig& s) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult wm, wh.Query(q.ReadWatermark(), {Value::Text(s.name.value)}));
  if (wm.rows.empty() || wm.rows[0][1].is_null()) return Status::Ok();
  ZCDP_ASSIGN_OR_RETURN(QueryResult until, wh.Query(q.SettledUntil(), {wm.rows[0][1]}));
  ZCDP_ASSIGN_OR_RETURN(QueryResult digest, wh.Query(q.SettledDigest(s), {until.rows.at(0)[0]}));
  const std::vector<Value> params = {Value::Text(s.name.value), until.rows[0][0],
                                     digest.rows.at(0)[0], digest.rows[0][1]};
  for (const auto& sql : q.SaveSettled()) ZCDP_RETURN_IF_ERROR(wh.Execute(sql, params));
  return Status::Ok();
}

// Whether `s` can be read incrementally: it has a timestamp, a watermark under the same
// mapping, and its rows up to the overlap window are those the last run saw. A late,
// changed or deleted row before the window means a full re-read (correct, not proportional).
Result<bool> CanReadIncrementally(StepContext& ctx, const IdentitySql& q, const SourceConfig& s,
                                  const QueryResult& wm, StepCounts& counts) {
  const bool candidate = s.timestamp && !ctx.full_refresh && !wm.rows.empty() &&
                         wm.rows[0][0] == Value::Text(IdentitySql::Fingerprint(s)) &&
                         !wm.rows[0][1].is_null();
  if (!candidate) return false;
  ZCDP_ASSIGN_OR_RETURN(std::string change, SettledChange(ctx.warehouse, q, s));
  if (change.empty()) return true;
  LogInfo("identity: source " + s.name.value + ": " + change + "; reading it in full");
  ++counts["sources.changed"];
  return false;
}

// Reads only what is new: the rows of the overlap window before the source's watermark and
// after it are replaced, unless the source has no timestamp, no watermark yet, a changed
// mapping, or changed rows before the window.
Status ReadObservations(StepContext& ctx, const IdentitySql& q, StepCounts& counts) {
  Warehouse& wh = ctx.warehouse;
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.CreateIncrementalTables()));
  for (const auto& s : ctx.project.sources) {
    const std::string fp = IdentitySql::Fingerprint(s);
    ZCDP_ASSIGN_OR_RETURN(QueryResult wm, wh.Query(q.ReadWatermark(), {Value::Text(s.name.value)}));
    ZCDP_ASSIGN_OR_RETURN(bool incremental, CanReadIncrementally(ctx, q, s, wm, counts));
    if (incremental) {
      for (const auto& sql : q.ReplaceSince(s)) {
        ZCDP_RETURN_IF_ERROR(wh.Execute(sql, {wm.rows[0][1]}));
      }
      ++counts["sources.incremental"];
    } else {
      ZCDP_RETURN_IF_ERROR(ExecAll(wh, q.ReloadSource(s)));
      ++counts["sources.full"];
    }
    for (const auto& sql : q.SaveWatermark()) {
      ZCDP_RETURN_IF_ERROR(wh.Execute(sql, {Value::Text(s.name.value), Value::Text(fp)}));
    }
    if (s.timestamp) ZCDP_RETURN_IF_ERROR(SaveSettled(wh, q, s));
  }
  // Rows of sources no longer in the project leave with them.
  std::string names;
  for (const auto& s : ctx.project.sources) {
    names += (names.empty() ? "" : ", ") + wh.dialect().QuoteString(s.name.value);
  }
  if (names.empty()) names = "''";
  ZCDP_RETURN_IF_ERROR(ExecAll(
      wh, {"DELETE FROM " + q.T("identity_observations") + " WHERE source NOT IN (" + names + ")",
           "DELETE FROM " + q.T("identity_watermarks") + " WHERE source NOT IN (" + names + ")",
           "DELETE FROM " + q.T("identity_settled") + " WHERE source NOT IN (" + names + ")"}));
  return ExecAll(wh, wh.dialect().RefreshStatistics(q.schema(), "identity_observations"));
}

// native or sql: `auto` means native on an in-process engine, sql elsewhere.
IdentityStrategy Strategy(const StepContext& ctx) {
  const IdentityStrategy strategy = ctx.project.identity.strategy_kind;
  if (strategy != IdentityStrategy::kAuto) return strategy;
  return ctx.warehouse.capabilities().in_process ? IdentityStrategy::kNative
                                                 : IdentityStrategy::kSql;
}

Result<ComponentsStats> Components(StepContext& ctx, const IdentitySql& q) {
  const ComponentsTables t{q.schema(), "identity_nodes", "identity_edge_pairs",
                           "identity_components"};
  if (Strategy(ctx) == IdentityStrategy::kNative) return ComponentsNative(ctx.warehouse, t);
  return ComponentsSql(ctx.warehouse, t);
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
  ZCDP_RETURN_IF_ERROR(ReadObservations(ctx, q, counts));
  ZCDP_RETURN_IF_ERROR(wh.Execute(q.CreatePhoneMap()));
  ctx.progress(0.2);
  for (const auto& t : types) {
    if (t.rule != NormalizeRule::kPhoneE164) continue;
    ZCDP_ASSIGN_OR_RETURN(counts["phones_parsed"], NormalizePhones(wh, q, t));
  }
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, {q.Values(), q.RecordIds(), q.Quarantine(), q.Nodes(),
                                    q.RecordCenters(), q.Edges(), q.EdgePairsView()}));
  ZCDP_RETURN_IF_ERROR(CountSkipped(wh, q, ctx.project, counts));
  ZCDP_RETURN_IF_ERROR(WarnAboutRejections(wh, q, counts));
  ctx.progress(0.5);
  ZCDP_ASSIGN_OR_RETURN(ComponentsStats cc, Components(ctx, q));
  counts["nodes"] = cc.nodes;
  counts["edges"] = cc.edges;
  counts["cc_rounds"] = cc.rounds;
  ctx.progress(0.7);
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, StableIdSql::CreateHistoryTables(q)));
  if (Strategy(ctx) == IdentityStrategy::kNative) {
    ZCDP_ASSIGN_OR_RETURN(counts["conflicts"], ApplyGuardrails(wh, q));
  } else {
    ZCDP_ASSIGN_OR_RETURN(counts["conflicts"], ApplyGuardrailsSql(wh, q));
  }
  ZCDP_RETURN_IF_ERROR(ExecAll(wh, StableIdSql::SnapshotPrevious(q)));
  ZCDP_RETURN_IF_ERROR(
      ExecAll(wh, {StableIdSql::Assignment(q), StableIdSql::Merges(q, ctx.run_id),
                   StableIdSql::Conflicts(q, ctx.run_id), StableIdSql::Graph(q),
                   StableIdSql::RecordProfiles(q), StableIdSql::DropWorkingTables(q)}));
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
