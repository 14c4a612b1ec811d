#include "zcdp/step/output_tables.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "zcdp/common/scrub.h"

namespace zcdp {
namespace {

constexpr SqlType kText = SqlType::kText;
constexpr SqlType kBigInt = SqlType::kBigInt;
constexpr SqlType kTs = SqlType::kTimestamp;
constexpr SqlType kJson = SqlType::kJson;

// Column builders: plain, NOT NULL, an identifier value (personal data), a profile id.
OutputColumn Col(std::string name, SqlType type) { return {std::move(name), type}; }
OutputColumn NotNull(std::string name, SqlType type) { return {std::move(name), type, true}; }
OutputColumn Id(std::string name, bool not_null = false) {
  return {std::move(name), kText, not_null, /*identifier=*/true, /*pii=*/true};
}
OutputColumn ProfileId(std::string name) {
  return {std::move(name), kText, false, false, false, /*profile_id=*/true};
}

OutputTable Entry(std::string name, OutputKind kind, std::string stage, bool customer_values,
                  std::vector<OutputColumn> columns, std::vector<std::string> key = {},
                  bool created_from_registry = false) {
  return {std::move(name),    kind,           std::move(stage),     customer_values, true,
          std::move(columns), std::move(key), created_from_registry};
}

// An object whose columns depend on the project; `columns` are those every instance has.
OutputTable Varying(std::string name, OutputKind kind, std::string stage,
                    std::vector<OutputColumn> columns) {
  OutputTable t = Entry(std::move(name), kind, std::move(stage), true, std::move(columns));
  t.fixed_columns = false;
  return t;
}

// A table its stage creates with CreateOutputTable.
OutputTable Fixed(std::string name, OutputKind kind, std::string stage, bool customer_values,
                  std::vector<OutputColumn> columns, std::vector<std::string> key = {}) {
  return Entry(std::move(name), kind, std::move(stage), customer_values, std::move(columns),
               std::move(key), true);
}

std::vector<OutputTable> RunTables() {
  return {
      Fixed("runs", OutputKind::kTable, "run", false,
            {NotNull("run_id", kBigInt), NotNull("started_at", kTs), Col("finished_at", kTs),
             NotNull("status", kText), Col("zcdp_version", kText), Col("project", kText),
             Col("steps", kJson), Col("note", kText)},
            {"run_id"}),
      Fixed("run_steps", OutputKind::kTable, "run", false,
            {NotNull("run_id", kBigInt), NotNull("step", kText), Col("position", kBigInt),
             Col("started_at", kTs), Col("finished_at", kTs), Col("status", kText),
             Col("counts", kJson), Col("error", kText), Col("failures", kJson)},
            {"run_id", "step"}),
  };
}

std::vector<OutputTable> IdentityInputTables() {
  const OutputKind table = OutputKind::kTable;
  return {
      Fixed("identity_observations", table, "identity", true,
            {Col("source", kText), Col("row_key", kText), Col("ts", kTs), Col("id_type", kText),
             Id("raw_value")}),
      Fixed("identity_watermarks", table, "identity", false,
            {NotNull("source", kText), Col("fingerprint", kText), Col("watermark", kTs)},
            {"source"}),
      // The row keys an incremental run found added, changed or deleted in one source.
      Entry("identity_row_changes", OutputKind::kScratch, "identity", true,
            {Col("row_key", kText)}),
      Fixed("identity_phone_map", table, "identity", true,
            {Id("raw_value", true), NotNull("region", kText), Id("value")},
            {"raw_value", "region"}),
      Entry("identity_values", table, "identity", true,
            {Col("id_type", kText), Id("raw_value"), Id("value"), Col("skip_reason", kText),
             Col("node", kBigInt), Col("observed", kBigInt)}),
      Entry("identity_record_ids", table, "identity", true,
            {Col("source", kText), Col("row_key", kText), Col("ts", kTs), Col("id_type", kText),
             Id("value"), Col("priority", kBigInt), Col("node", kBigInt), Col("rec", kBigInt)}),
      Entry("identity_quarantine", table, "identity", true,
            {Col("id_type", kText), Id("id_value"), Col("node", kBigInt), Col("reason", kText),
             Col("records", kBigInt), Col("linked_values", kBigInt), Col("linked_type", kText)}),
      Entry("identity_nodes", table, "identity", true,
            {Col("node", kBigInt), Col("id_type", kText), Id("id_value"), Col("first_seen", kTs),
             Col("last_seen", kTs), Col("source_count", kBigInt), Col("records", kBigInt)}),
      Entry("identity_record_centers", table, "identity", true,
            {Col("rec", kBigInt), Col("source", kText), Col("row_key", kText), Col("node", kBigInt),
             Col("priority", kBigInt)}),
      Entry("identity_edges", table, "identity", true,
            {Col("a", kBigInt), Col("b", kBigInt), Col("source", kText), Col("row_key", kText),
             Col("first_seen", kTs), Col("last_seen", kTs), Col("records", kBigInt),
             Col("rank_priority", kBigInt)}),
      Entry("identity_edge_pairs", OutputKind::kView, "identity", true,
            {Col("a", kBigInt), Col("b", kBigInt)}),
  };
}

std::vector<OutputTable> IdentityGraphTables() {
  const OutputKind table = OutputKind::kTable, scratch = OutputKind::kScratch;
  const std::vector<OutputColumn> graph = {Col("id_type", kText),   Id("id_value"),
                                           ProfileId("profile_id"), Col("first_seen", kTs),
                                           Col("last_seen", kTs),   Col("source_count", kBigInt)};
  return {
      Entry("identity_components", table, "identity", true,
            {Col("node", kBigInt), Col("component", kBigInt)}),
      // Working tables of the connected-components strategies and the guardrail replay.
      Entry("identity_components__cc_*", scratch, "identity", true, {}),
      Entry("identity_violating", scratch, "identity", true, {Col("component", kBigInt)}),
      Entry("identity_gr_*", scratch, "identity", true, {}),
      // The scoped rebuild of an incremental run (identity/scope.h).
      Entry("identity_scope_*", scratch, "identity", true, {}),
      Fixed("identity_graph", table, "identity", true, graph),
      Fixed("profile_merges", table, "identity", true,
            {Col("run_id", kBigInt), ProfileId("absorbed_profile_id"),
             ProfileId("surviving_profile_id"), Col("reason", kText)}),
      Fixed("identity_conflicts", table, "identity", true,
            {Col("run_id", kBigInt), Col("a_type", kText), Id("a_value"), Col("b_type", kText),
             Id("b_value"), Col("rule", kText), ProfileId("profile_id")}),
      Fixed("identity_dropped", table, "identity", true,
            {Col("a", kBigInt), Col("b", kBigInt), Col("rule", kText)}),
      Fixed("identity_guardrail_labels", scratch, "identity", true,
            {Col("node", kBigInt), Col("component", kBigInt)}),
      Entry("identity_graph_prev", scratch, "identity", true, graph),
      Entry("identity_assignment", table, "identity", true,
            {Col("component", kBigInt), ProfileId("profile_id")}),
      Entry("identity_record_profiles", table, "identity", true,
            {Col("source", kText), Col("row_key", kText), ProfileId("profile_id")}),
  };
}

std::vector<OutputTable> LaterTables() {
  const OutputKind table = OutputKind::kTable, scratch = OutputKind::kScratch;
  const SqlType ts = kTs;
  // member_key: SHA-256 of the profile id; the mapped fields follow (PII ones hashed).
  OutputTable share = Varying("*", OutputKind::kView, "sync", {Col("member_key", kText)});
  share.in_destination_schema = true;
  return {
      // A table instead when profiles.materialize is set.
      Varying("profiles", OutputKind::kView, "traits", {ProfileId("profile_id")}),
      Fixed("audience_membership", table, "audiences", true,
            {Col("audience", kText), ProfileId("profile_id"), Col("since", ts)}),
      Fixed("audience_history", table, "audiences", true,
            {Col("audience", kText), ProfileId("profile_id"), Col("entered_at", ts),
             Col("exited_at", ts)}),
      // PostgreSQL only: DuckDB keeps scratch tables in its TEMP catalog.
      Entry("audience_current", scratch, "audiences", true, {ProfileId("profile_id")}),
      Fixed("sync_state", table, "sync", true,
            {NotNull("destination", kText),
             {"record_key", kText, true, false, false, true},
             Col("checksum", kText),  // NULL: removed
             NotNull("run_id", kBigInt),
             NotNull("synced_at", ts)}),
      Fixed("activation_log", table, "sync", true,
            {NotNull("run_id", kBigInt),
             NotNull("destination", kText),
             {"record_key", kText, true, false, false, true},
             NotNull("action", kText),
             NotNull("status", kText),
             Col("error", kText),
             Col("batch_key", kText),
             NotNull("logged_at", ts)}),
      Fixed("copy_ledger", table, "sync", false,
            {NotNull("run_id", kBigInt), NotNull("destination", kText),
             NotNull("destination_type", kText), NotNull("purpose", kText),
             NotNull("fields", kText), NotNull("rows", kBigInt), NotNull("bytes", kBigInt),
             Col("payload_sha256", kText), Col("batch_key", kText), NotNull("sent_at", ts)}),
      // One per destination: the diff to deliver, with the mapped fields after these.
      Varying("sync_pending_*", scratch, "sync",
              {Col("action", kText),
               {"record_key", kText, false, false, false, true},
               Col("checksum", kText)}),
      // A warehouse_share destination's view, named after it, in the schema it names.
      share,
  };
}

// `zcdp serve`: each collecting source's table (in the schema its `collect:` names), and the
// spool position each loader commit reached, written in the same transaction as its events.
std::vector<OutputTable> ServeTables() {
  OutputTable collect =
      Fixed("<collect>", OutputKind::kTable, "serve", true,
            {NotNull("message_id", kText), NotNull("type", kText), Col("event", kText),
             Id("user_id"), Id("anonymous_id"), NotNull("timestamp", kTs),
             NotNull("received_at", kTs), Col("sent_at", kTs), Col("context", kJson),
             Col("properties", kJson), Col("traits", kJson), NotNull("source", kText)});
  collect.created_from_registry = false;  // created under the name the project gives it
  collect.in_collect_schema = true;
  // Personal data beyond the ids: context (ip, user agent), properties and traits.
  for (auto& c : collect.columns) {
    c.pii = c.pii || c.type == kJson;
  }
  // The rows of one load, before they are deduplicated into the collect tables; created and
  // dropped inside the load's transaction.
  OutputTable staging =
      Fixed("collect_staging", OutputKind::kScratch, "serve", true, collect.columns);
  return {
      staging,
      Fixed("collect_positions", OutputKind::kTable, "serve", false,
            {NotNull("spool", kText), NotNull("segment", kBigInt), NotNull("events", kBigInt),
             NotNull("committed_at", kTs)},
            {"spool"}),
      collect,
  };
}

std::vector<OutputTable> AllTables() {
  std::vector<OutputTable> all = RunTables();
  // One view per source (SourceViewName): the source's own columns.
  all.push_back(Varying("source_*", OutputKind::kView, "sources", {}));
  for (auto part : {IdentityInputTables(), IdentityGraphTables(), LaterTables(), ServeTables()}) {
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

bool Matches(const OutputTable& t, std::string_view name) {
  if (!t.name.empty() && t.name.back() == '*') {
    const std::string_view prefix = std::string_view(t.name).substr(0, t.name.size() - 1);
    return name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
  }
  return t.name == name;
}

}  // namespace

const std::vector<OutputTable>& OutputTables() {
  static const std::vector<OutputTable> tables = AllTables();
  return tables;
}

const OutputTable* FindOutputTable(std::string_view name) {
  // Exact names first: "identity_graph" must not be read as an instance of a pattern.
  const auto& all = OutputTables();
  for (const auto& t : all) {
    if (!t.in_destination_schema && !t.in_collect_schema && t.name == name) return &t;
  }
  for (const auto& t : all) {
    if (!t.in_destination_schema && !t.in_collect_schema && Matches(t, name)) return &t;
  }
  return nullptr;
}

const OutputTable& CollectTable() {
  for (const auto& t : OutputTables()) {
    if (t.in_collect_schema) return t;
  }
  std::abort();  // ServeTables() lists it
}

std::set<std::string> StateNames(const Project& project) {
  std::set<std::string> names = ProjectNames(project);
  for (const auto& t : OutputTables()) {
    names.insert(t.name);
    for (const auto& c : t.columns) names.insert(c.name);
  }
  for (const auto& d : project.destinations) names.insert("sync_pending_" + d.name.value);
  return names;
}

std::string ScrubForState(const Project& project, std::string_view message) {
  return ScrubValues(message, StateNames(project));
}

std::vector<Dialect::ColumnDef> ColumnDefs(const OutputTable& table) {
  std::vector<Dialect::ColumnDef> out;
  out.reserve(table.columns.size());
  for (const auto& c : table.columns) out.push_back({c.name, c.type, c.not_null});
  return out;
}

std::string CreateOutputTable(const Dialect& d, std::string_view schema, std::string_view name) {
  const OutputTable* t = FindOutputTable(name);
  if (t == nullptr || !t->created_from_registry || t->name != name) std::abort();
  return d.CreateTableIfNotExists(schema, name, ColumnDefs(*t), t->key);
}

Result<std::optional<TableInfo>> FindOutputObject(const Project& project, Warehouse& wh,
                                                  std::string_view name) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> tables,
                        wh.ListTables(project.warehouse.output_schema));
  for (auto& t : tables) {
    if (t.name == name) return std::optional<TableInfo>(std::move(t));
  }
  return std::optional<TableInfo>();
}

Result<bool> OutputTableExists(const Project& project, Warehouse& wh, std::string_view name) {
  ZCDP_ASSIGN_OR_RETURN(std::optional<TableInfo> found, FindOutputObject(project, wh, name));
  return found.has_value();
}

}  // namespace zcdp
