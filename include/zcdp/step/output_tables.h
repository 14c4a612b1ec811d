#pragma once

// The registry of the output schema: every table and view zcdp creates, with its columns,
// which of them hold identifiers or other personal data, its key and the step that writes
// it. Stages create their fixed tables from it (CreateOutputTable), and erasure walks it.
// tests/unit/e2e/output_registry_test.cc fails when a run leaves an object it does not list.

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// How long an object lives.
enum class OutputKind {
  kTable,    // kept across runs (replaced or appended to by its step)
  kView,     // kept across runs; reads other relations
  kScratch,  // a working table of one step, dropped before the step ends
};

struct OutputColumn {
  std::string name;
  SqlType type;
  bool not_null = false;
  bool identifier = false;  // an identifier value (raw or normalised): email, phone, user id
  bool pii = false;         // personal data about a customer (identifiers included)
  bool profile_id = false;  // a zcdp profile id: the key erasure follows
};

struct OutputTable {
  // The exact name, or a prefix followed by '*' for one object per source or destination
  // ("source_*", "sync_pending_*").
  std::string name;
  OutputKind kind;
  // The step that writes it ("sources", "identity", ..., "sync"; "run" for run records).
  std::string stage;
  // Whether rows hold customer values (identifiers, traits, mapped fields).
  bool customer_values;
  // False when the columns depend on the project (a source's columns, the traits).
  bool fixed_columns;
  // The columns in order; with !fixed_columns, only those every instance has.
  std::vector<OutputColumn> columns;
  std::vector<std::string> key;
  // True when the stage creates it with CreateOutputTable (CREATE TABLE IF NOT EXISTS);
  // otherwise it comes from a SELECT (CREATE TABLE AS, a view) with these columns.
  bool created_from_registry;
  // True when the object lives in the schema a destination names, not the output schema.
  bool in_destination_schema = false;
  // True for the table a source's `collect:` names ("schema.table", outside the output
  // schema), which `zcdp serve` creates and loads collected events into.
  bool in_collect_schema = false;
};

// Every object zcdp owns, in the order the pipeline creates them.
const std::vector<OutputTable>& OutputTables();

// The entry whose name or pattern matches `name`, or nullptr.
const OutputTable* FindOutputTable(std::string_view name);

// The registry's entry for a collect table (in_collect_schema): its columns.
const OutputTable& CollectTable();
// The names ScrubValues keeps in a message zcdp stores: the project's (ProjectNames) and
// those of zcdp's objects and their columns.
std::set<std::string> StateNames(const Project& project);
// `message` as zcdp stores it in its own tables (run_steps, runs, activation_log): each value
// an engine quoted replaced by <value>, the StateNames kept.
std::string ScrubForState(const Project& project, std::string_view message);

// The column definitions of `table`, for Dialect::CreateTableIfNotExists.
std::vector<Dialect::ColumnDef> ColumnDefs(const OutputTable& table);

// CREATE TABLE IF NOT EXISTS `schema.name` with the registry's columns and key.
// REQUIRES: `name` is an entry with created_from_registry (checked: aborts otherwise).
std::string CreateOutputTable(const Dialect& d, std::string_view schema, std::string_view name);

// The table or view `name` of the project's output schema, or nullopt when there is none.
// Reads Warehouse::ListTables.
Result<std::optional<TableInfo>> FindOutputObject(const Project& project, Warehouse& wh,
                                                  std::string_view name);

// True when the project's output schema holds a table or view called `name`.
Result<bool> OutputTableExists(const Project& project, Warehouse& wh, std::string_view name);

}  // namespace zcdp
