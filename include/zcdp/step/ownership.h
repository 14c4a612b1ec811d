#pragma once

// Ownership: zcdp never drops, replaces or writes an object it did not create. Every table
// and view zcdp creates carries a marker (a COMMENT ON, kOwnedMarker); before a run writes
// anything, the output schema must hold only marked objects, and an object in a schema zcdp
// shares with the user (a warehouse_share destination's) is replaced only when it is marked.

#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// The comment on every object zcdp creates.
inline constexpr std::string_view kOwnedMarker =
    "zcdp: created and maintained by zcdp; do not edit (see docs/output-schema.md)";

// True when `object` carries zcdp's marker.
bool IsOwned(const TableInfo& object);

// The objects of the output schema that zcdp does not own: those without the marker, except
// the registry's scratch tables (a killed step's leftovers, which the step replaces), and the
// registry's objects of an output schema zcdp used before it left markers (its `runs` table
// is there, unmarked, with the registry's columns). Empty when the schema is absent.
Result<std::vector<TableInfo>> ForeignObjects(const Project& project, Warehouse& wh);

// One message per foreign object: what it is, and that zcdp will not touch it.
std::vector<std::string> ForeignObjectMessages(const Project& project,
                                               const std::vector<TableInfo>& foreign);

// AlreadyExists naming every foreign object of the output schema, or Ok.
Status RequireOwnedOutputSchema(const Project& project, Warehouse& wh);

// Marks every unmarked object of the output schema that the registry names. Run it after
// zcdp created objects, in the same transaction when there is one; only when the schema held
// no foreign object before they were created (RequireOwnedOutputSchema), so that whatever is
// unmarked is zcdp's.
Status MarkOwnedObjects(const Project& project, Warehouse& wh);

// Ok when `schema.name` does not exist or carries the marker; AlreadyExists otherwise.
// Call before replacing or dropping an object outside the output schema.
Status RequireOwnedOrAbsent(Warehouse& wh, std::string_view schema, std::string_view name);

// Creates the registry tables `names` (CreateOutputTable) in the output schema where they do
// not exist, and marks them, in one transaction: for tables that outlive the transaction of
// the step that creates them. AlreadyExists when one of them exists and is not zcdp's.
Status EnsureOwnedTables(const Project& project, Warehouse& wh,
                         const std::vector<std::string>& names);

// Marks `schema.name` (a table, or a view when `is_view`) as zcdp's.
Status MarkOwned(Warehouse& wh, std::string_view schema, std::string_view name, bool is_view);

}  // namespace zcdp
