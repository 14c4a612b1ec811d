#include "zcdp/serve/loader.h"

#include <algorithm>
#include <cstdint>

#include "zcdp/serve/event.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/output_tables.h"
#include "zcdp/step/ownership.h"

namespace zcdp::serve {
namespace {

constexpr std::string_view kStaging = "collect_staging";
constexpr std::string_view kPositions = "collect_positions";

// The collect table's column names, comma-separated and quoted.
std::string ColumnList(const Dialect& d, std::string_view prefix = "") {
  std::string out;
  for (const auto& c : CollectTable().columns) {
    out += (out.empty() ? "" : ", ") + std::string(prefix) + d.QuoteIdentifier(c.name);
  }
  return out;
}

std::string Qualified(const Dialect& d, std::string_view schema, std::string_view name) {
  return d.QuoteIdentifier(schema) + "." + d.QuoteIdentifier(name);
}

Status AppendText(Appender& a, const std::optional<std::string>& v) {
  return v ? a.AppendText(*v) : a.AppendNull();
}

// One row in the order of CollectTable().columns.
Status AppendEvent(Appender& a, const CollectedEvent& e) {
  ZCDP_RETURN_IF_ERROR(a.AppendText(e.message_id));
  ZCDP_RETURN_IF_ERROR(a.AppendText(e.type));
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.event));
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.user_id));
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.anonymous_id));
  ZCDP_RETURN_IF_ERROR(a.AppendTimestamp(e.timestamp));
  ZCDP_RETURN_IF_ERROR(a.AppendTimestamp(e.received_at));
  ZCDP_RETURN_IF_ERROR(e.sent_at ? a.AppendTimestamp(*e.sent_at) : a.AppendNull());
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.context));
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.properties));
  ZCDP_RETURN_IF_ERROR(AppendText(a, e.traits));
  ZCDP_RETURN_IF_ERROR(a.AppendText(e.source));
  return a.EndRow();
}

Status EnsureCollectTable(const CollectConfig& c, Warehouse& wh) {
  const Dialect& d = wh.dialect();
  ZCDP_RETURN_IF_ERROR(wh.Execute(d.CreateSchemaIfNotExists(c.table_schema)));
  ZCDP_RETURN_IF_ERROR(RequireOwnedOrAbsent(wh, c.table_schema, c.table_name));
  ZCDP_RETURN_IF_ERROR(wh.Execute(
      d.CreateTableIfNotExists(c.table_schema, c.table_name, ColumnDefs(CollectTable()), {})));
  return MarkOwned(wh, c.table_schema, c.table_name, /*is_view=*/false);
}

}  // namespace

Status EnsureCollectTables(const Project& project, Warehouse& wh) {
  const Dialect& d = wh.dialect();
  ZCDP_RETURN_IF_ERROR(wh.Execute(d.CreateSchemaIfNotExists(project.warehouse.output_schema)));
  ZCDP_RETURN_IF_ERROR(EnsureOwnedTables(project, wh, {std::string(kPositions)}));
  Transaction tx(wh);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  for (const auto& s : project.sources) {
    if (s.collect) ZCDP_RETURN_IF_ERROR(EnsureCollectTable(*s.collect, wh));
  }
  return tx.Commit();
}

Loader::Loader(const Project& project, Warehouse& wh, Spool& spool, int64_t dedupe_window_micros)
    : project_(project), wh_(wh), spool_(spool), dedupe_window_micros_(dedupe_window_micros) {
  for (const auto& s : project.sources) {
    if (s.collect) sources_[s.name.value] = &s;
  }
}

Result<int64_t> Loader::CommittedSegment() {
  const Dialect& d = wh_.dialect();
  return QueryInt(wh_,
                  "SELECT max(" + d.QuoteIdentifier("segment") + ") FROM " +
                      Qualified(d, project_.warehouse.output_schema, kPositions) + " WHERE " +
                      d.QuoteIdentifier("spool") + " = " + d.Placeholder(1),
                  {Value::Text(std::string(kSpoolName))});
}

Result<LoadStats> Loader::Load() {
  ZCDP_ASSIGN_OR_RETURN(std::vector<int64_t> sealed, spool_.Rotate());
  ZCDP_ASSIGN_OR_RETURN(int64_t committed, CommittedSegment());
  // Segments a previous load committed but did not live to delete.
  ZCDP_RETURN_IF_ERROR(spool_.DeleteThrough(committed));
  std::vector<int64_t> todo;
  for (int64_t n : sealed) {
    if (n > committed) todo.push_back(n);
  }
  LoadStats stats;
  if (todo.empty()) return stats;
  Transaction tx(wh_);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  ZCDP_RETURN_IF_ERROR(AppendSegments(todo, stats));
  ZCDP_RETURN_IF_ERROR(MoveStaged(stats));
  ZCDP_RETURN_IF_ERROR(RecordPosition(todo.back(), stats.events));
  ZCDP_RETURN_IF_ERROR(tx.Commit());
  // Only now: a crash before this line leaves segments the position already covers.
  ZCDP_RETURN_IF_ERROR(spool_.DeleteThrough(todo.back()));
  stats.segments = static_cast<int64_t>(todo.size());
  return stats;
}

Status Loader::AppendSegments(const std::vector<int64_t>& segments, LoadStats& stats) {
  const Dialect& d = wh_.dialect();
  const std::string& schema = project_.warehouse.output_schema;
  oldest_received_ = INT64_MAX;
  ZCDP_RETURN_IF_ERROR(wh_.Execute("DROP TABLE IF EXISTS " + Qualified(d, schema, kStaging)));
  ZCDP_RETURN_IF_ERROR(wh_.Execute(CreateOutputTable(d, schema, kStaging)));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> appender, wh_.CreateAppender(schema, kStaging));
  for (int64_t segment : segments) {
    ZCDP_RETURN_IF_ERROR(spool_.ForEachRecord(segment, [&](std::string_view record) -> Status {
      ZCDP_ASSIGN_OR_RETURN(CollectedEvent e, DecodeEvent(record));
      ++stats.events;
      oldest_received_ = std::min(oldest_received_, e.received_at);
      // A source removed from the project since: its events have no table to go to.
      if (sources_.count(e.source) == 0) return Status::Ok();
      return AppendEvent(*appender, e);
    }));
  }
  return appender->Close();
}

Status Loader::MoveStaged(LoadStats& stats) {
  const Dialect& d = wh_.dialect();
  const std::string staging = Qualified(d, project_.warehouse.output_schema, kStaging);
  const std::string mid = d.QuoteIdentifier("message_id");
  const std::string received = d.QuoteIdentifier("received_at");
  ZCDP_ASSIGN_OR_RETURN(int64_t staged, QueryInt(wh_, "SELECT count(*) FROM " + staging));
  for (const auto& [name, source] : sources_) {
    const std::string target =
        Qualified(d, source->collect->table_schema, source->collect->table_name);
    // The first of each message id in this load, and none already loaded within the window.
    std::string select = "SELECT " + ColumnList(d, "s.") + " FROM (SELECT *, row_number() OVER " +
                         "(PARTITION BY " + mid + " ORDER BY " + received + ") AS zcdp_n FROM " +
                         staging + " WHERE " + d.QuoteIdentifier("source") + " = " +
                         d.Placeholder(1) + ") s WHERE s.zcdp_n = 1";
    std::vector<Value> params = {Value::Text(name)};
    if (dedupe_window_micros_ > 0) {
      select += " AND NOT EXISTS (SELECT 1 FROM " + target + " t WHERE t." + mid + " = s." + mid +
                " AND t." + received + " >= " + d.Placeholder(2) + ")";
      params.push_back(Value::Timestamp(oldest_received_ - dedupe_window_micros_));
    }
    ZCDP_ASSIGN_OR_RETURN(int64_t rows,
                          QueryInt(wh_, "SELECT count(*) FROM (" + select + ") q", params));
    if (rows == 0) continue;
    ZCDP_RETURN_IF_ERROR(
        wh_.Execute("INSERT INTO " + target + " (" + ColumnList(d) + ") " + select, params));
    stats.loaded += rows;
  }
  stats.duplicates = staged - stats.loaded;
  return wh_.Execute("DROP TABLE " + staging);
}

Status Loader::RecordPosition(int64_t segment, int64_t events) {
  const Dialect& d = wh_.dialect();
  const std::string table = Qualified(d, project_.warehouse.output_schema, kPositions);
  const Value spool = Value::Text(std::string(kSpoolName));
  ZCDP_RETURN_IF_ERROR(wh_.Execute(
      "DELETE FROM " + table + " WHERE " + d.QuoteIdentifier("spool") + " = " + d.Placeholder(1),
      {spool}));
  return wh_.Execute("INSERT INTO " + table + " VALUES (" + d.Placeholder(1) + ", " +
                         d.Placeholder(2) + ", " + d.Placeholder(3) + ", " + d.CurrentTimestamp() +
                         ")",
                     {spool, Value::Int(segment), Value::Int(events)});
}

}  // namespace zcdp::serve
