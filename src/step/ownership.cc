#include "zcdp/step/ownership.h"

#include "zcdp/common/suggest.h"
#include "zcdp/step/output_tables.h"

namespace zcdp {
namespace {

// The columns of `runs` before markers existed: its registry columns up to `steps` (those
// after it, such as `note`, came later and are added by EnsureOutputSchema).
constexpr size_t kLegacyRunsColumns = 7;

// True when `runs` is the run-records table of a zcdp that predates markers: unmarked, with
// the registry's columns in order (those added since may be missing).
bool IsLegacyRunsTable(const Project& project, Warehouse& wh, const TableInfo& t) {
  if (t.name != "runs" || t.is_view || IsOwned(t)) return false;
  const OutputTable* runs = FindOutputTable("runs");
  Result<std::vector<ColumnInfo>> columns =
      wh.DescribeTable(project.warehouse.output_schema, "runs");
  if (runs == nullptr || !columns.ok() || columns->size() < kLegacyRunsColumns ||
      columns->size() > runs->columns.size()) {
    return false;
  }
  for (size_t i = 0; i < columns->size(); ++i) {
    if ((*columns)[i].name != runs->columns[i].name) return false;
  }
  return true;
}

std::string Kind(const TableInfo& t) { return t.is_view ? "view" : "table"; }

}  // namespace

bool IsOwned(const TableInfo& object) { return object.comment == kOwnedMarker; }

Result<std::vector<TableInfo>> ForeignObjects(const Project& project, Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> objects,
                        wh.ListTables(project.warehouse.output_schema));
  bool legacy = false;
  for (const auto& t : objects) legacy = legacy || IsLegacyRunsTable(project, wh, t);
  std::vector<TableInfo> foreign;
  for (auto& t : objects) {
    const OutputTable* entry = FindOutputTable(t.name);
    // A scratch table left by a killed step is zcdp's: the step replaces it.
    const bool scratch = entry != nullptr && entry->kind == OutputKind::kScratch;
    if (IsOwned(t) || scratch || (legacy && entry != nullptr)) continue;
    foreign.push_back(std::move(t));
  }
  return foreign;
}

std::vector<std::string> ForeignObjectMessages(const Project& project,
                                               const std::vector<TableInfo>& foreign) {
  std::vector<std::string> out;
  out.reserve(foreign.size());
  for (const auto& t : foreign) {
    out.push_back("output_schema " + Quote(project.warehouse.output_schema) + " holds the " +
                  Kind(t) + " " + Quote(t.schema + "." + t.name) +
                  ", which zcdp did not create; zcdp never replaces, drops or writes objects it "
                  "does not own: set warehouse.output_schema to a schema of zcdp's own (the "
                  "default is 'zcdp'), or move that " +
                  Kind(t) + " out of it");
  }
  return out;
}

Status RequireOwnedOutputSchema(const Project& project, Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> foreign, ForeignObjects(project, wh));
  if (foreign.empty()) return Status::Ok();
  std::string message;
  for (const auto& m : ForeignObjectMessages(project, foreign)) {
    message += (message.empty() ? "" : "\n") + m;
  }
  return Status::AlreadyExists(message);
}

Status MarkOwnedObjects(const Project& project, Warehouse& wh) {
  const std::string& schema = project.warehouse.output_schema;
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> objects, wh.ListTables(schema));
  for (const auto& t : objects) {
    if (IsOwned(t) || FindOutputTable(t.name) == nullptr) continue;
    ZCDP_RETURN_IF_ERROR(MarkOwned(wh, schema, t.name, t.is_view));
  }
  return Status::Ok();
}

Status RequireOwnedOrAbsent(Warehouse& wh, std::string_view schema, std::string_view name) {
  ZCDP_ASSIGN_OR_RETURN(std::vector<TableInfo> objects, wh.ListTables(schema));
  for (const auto& t : objects) {
    if (t.name != name || IsOwned(t)) continue;
    return Status::AlreadyExists(
        "the " + Kind(t) + " " + Quote(std::string(schema) + "." + std::string(name)) +
        " exists and zcdp did not create it; zcdp never replaces objects it does not own: "
        "rename the destination, pick another schema, or move that " +
        Kind(t) + " away");
  }
  return Status::Ok();
}

Status EnsureOwnedTables(const Project& project, Warehouse& wh,
                         const std::vector<std::string>& names) {
  const std::string& schema = project.warehouse.output_schema;
  Transaction tx(wh);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  for (const auto& name : names) {
    ZCDP_RETURN_IF_ERROR(RequireOwnedOrAbsent(wh, schema, name));
    ZCDP_RETURN_IF_ERROR(wh.Execute(CreateOutputTable(wh.dialect(), schema, name)));
    ZCDP_RETURN_IF_ERROR(MarkOwned(wh, schema, name, /*is_view=*/false));
  }
  return tx.Commit();
}

Status MarkOwned(Warehouse& wh, std::string_view schema, std::string_view name, bool is_view) {
  return wh.Execute(wh.dialect().CommentOn(is_view, schema, name, kOwnedMarker));
}

}  // namespace zcdp
