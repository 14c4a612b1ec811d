#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/file_format.h"
#include "zcdp/common/status.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// The enums the project file's words resolve into at load time, so that stages branch on
// types rather than on raw strings. Each has a name function giving the project file's word.

// How identity finds connected components: `auto` is native on in-process engines
// (WarehouseCapabilities::in_process), sql elsewhere.
enum class IdentityStrategy { kAuto, kNative, kSql };
std::string_view IdentityStrategyName(IdentityStrategy strategy);

// The function of a trait's `aggregate:` (kNone for picks and sql traits).
enum class AggregateFunction {
  kNone,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kFirst,
  kLast,
  kCountDistinct,
  kMostFrequent,
};
std::string_view AggregateFunctionName(AggregateFunction fn);
// The function named `name` ("count", "sum", ...), or nullopt.
std::optional<AggregateFunction> AggregateFunctionNamed(std::string_view name);
// count, count_distinct and sum of no rows are 0; the others are missing (NULL).
bool AggregateOfNoRowsIsZero(AggregateFunction fn);

// What a destination delivers to. The words are kDestinationTypes.
enum class DestinationType { kWebhook, kFile, kAudienceUpload, kWarehouseShare };
std::string_view DestinationTypeName(DestinationType type);

// diff: send entering and changed records; mirror: also removals of those that left;
// full: every member on every sync.
enum class SyncMode { kDiff, kMirror, kFull };
std::string_view SyncModeName(SyncMode mode);

// A scalar from the project file together with where it was written.
template <typename T>
struct Located {
  T value{};
  SourcePos pos;
};
using LocatedString = Located<std::string>;

// A secret is written in the project file as "${ENV_VAR}" and resolved only when used.
// zcdp never stores the resolved value.
struct SecretRef {
  std::string env_var;  // empty when the field is absent
  SourcePos pos;
};

struct WarehouseConfig {
  std::string type = "duckdb";                 // factory key of the engine
  std::string path;                            // DuckDB: database file, absolute after loading
  std::string output_schema = "zcdp";          // the only schema zcdp writes into
  std::map<std::string, std::string> options;  // engine-specific, non-secret settings
  std::optional<SecretRef> password;
  // PostgreSQL: a libpq connection string. It may hold ${ENV_VAR} references, expanded only
  // when the warehouse is opened; empty when the project gives host/port/user/database.
  std::string dsn;
  SourcePos pos;
  SourcePos type_pos, path_pos, output_schema_pos, dsn_pos;
};

enum class SourceKind { kEntity, kEvents };

// Maps one source column to an identifier type, e.g. `email: customer_email`.
struct IdentifierMapping {
  LocatedString id_type;
  LocatedString column;
};

// `collect:` on a source: `zcdp serve` accepts tracking-API events (Segment/RudderStack) sent
// with one of `write_keys` and loads them into `table`, which zcdp creates and owns. The
// source then reads that table like any other (its `table:` may be left out).
struct CollectConfig {
  std::vector<SecretRef> write_keys;  // each a ${ENV_VAR}, resolved when serve starts
  LocatedString table;                // "schema.table" as written
  std::string table_schema;           // the schema part of `table`
  std::string table_name;             // the table part of `table`
  SourcePos pos;
};

struct SourceConfig {
  LocatedString name;
  // Either a warehouse table ("catalog.schema.table", "schema.table" or "table") or a file
  // path/glob read in place.
  LocatedString table;
  bool is_file = false;       // true when `table` names files (has a known file extension)
  std::string file_glob;      // absolute path/glob when is_file
  std::string table_catalog;  // when !is_file: the catalog of "catalog.schema.table", else ""
  std::string table_schema;   // when !is_file: the schema as written, "" when unqualified
  std::string table_name;     // when !is_file: the table without its schema
  CsvReadOptions read;        // `read:` of a CSV file source; empty otherwise
  SourceKind kind = SourceKind::kEntity;
  SourcePos kind_pos;
  std::vector<IdentifierMapping> identifiers;
  std::optional<LocatedString> timestamp;
  std::optional<LocatedString> event_name;
  std::vector<LocatedString> attributes;
  std::vector<LocatedString> pii;
  std::optional<LocatedString> primary_key;
  std::optional<CollectConfig> collect;
  SourcePos pos;
};

// The view through which every stage reads a source: "<output_schema>.source_<name>".
inline std::string SourceViewName(const SourceConfig& source) {
  return "source_" + source.name.value;
}

struct IdTypeConfig {
  LocatedString name;
  int priority = 100;
  std::optional<int> max_per_profile;
  std::optional<LocatedString> normalize;  // email | phone_e164 | lower | trim | none
  std::optional<LocatedString> default_region;
  std::optional<LocatedString> regex;
  std::optional<int64_t> quarantine_threshold;
  SourcePos pos;
};

struct IdentityConfig {
  std::vector<IdTypeConfig> id_types;
  std::vector<LocatedString> blocklist;                      // regular expressions (ECMAScript)
  LocatedString strategy{"auto", {}};                        // native | sql | auto, as written
  IdentityStrategy strategy_kind = IdentityStrategy::kAuto;  // resolved from `strategy`
  // No longer used (rows are compared by key and content); accepted with a warning.
  LocatedString incremental_overlap{"1d", {}};
  SourcePos pos;
};

// A trait as written; behaviour arrives with the traits issue. Every key is kept.
struct TraitConfig {
  LocatedString name;
  std::optional<LocatedString> source;
  std::optional<LocatedString> aggregate;  // count | sum(col) | avg(col) | ...
  std::optional<LocatedString> window;     // a duration such as 180d
  std::optional<LocatedString> where;      // filter expression
  std::optional<LocatedString> pick;       // most_recent | most_frequent | source_priority
  std::optional<LocatedString> column;
  std::optional<LocatedString> sql;  // escape hatch
  // `pii: true|false`: whether the trait's values are personal data, overriding what zcdp
  // infers from the columns it reads (IsPiiField).
  std::optional<bool> pii;
  // For picks over several sources: "source.column" entries, highest priority first.
  std::vector<LocatedString> from;
  // Derived by the loader: the function of `aggregate` ("count", "sum", ...), and the source
  // column the trait reads: `column`, the argument of `aggregate`, or for a `pick` without
  // `column`, the trait's own name.
  AggregateFunction aggregate_function = AggregateFunction::kNone;
  std::optional<LocatedString> input_column;
  // Derived: the (source, column) pairs the trait reads, from `from`, or `source` with the
  // input column. Empty for `sql` traits and plain `count`.
  struct Input {
    LocatedString source;
    LocatedString column;
  };
  std::vector<Input> inputs;
  SourcePos pos;
};

// How `<output_schema>.profiles` is stored: a view by default (always fresh, zero copy), or a
// table rebuilt by each run (`profiles: {materialize: true}`).
struct ProfilesConfig {
  bool materialize = false;
  SourcePos pos;
};

struct AudienceConfig {
  LocatedString name;
  LocatedString where;
  std::optional<LocatedString> description;
  SourcePos pos;
};

// One field a destination receives: `name` in the payload, read from `from` (a trait, or an
// id type whose value is the profile's most recently seen identifier of that type).
struct FieldMapping {
  LocatedString name;
  LocatedString from;
  // `name: {from: X, hash: sha256}`: the field leaves as the SHA-256 (hex) of its trimmed,
  // lower-cased text, computed in the warehouse, so the clear value never leaves it.
  std::optional<LocatedString> hash;
};

// Where an audience is activated. `type` is one of kDestinationTypes, resolved into `kind`.
struct DestinationConfig {
  LocatedString name;
  LocatedString type;
  DestinationType kind = DestinationType::kWebhook;
  std::optional<LocatedString> url;     // webhook, audience_upload
  std::optional<LocatedString> path;    // file: the directory batches are dropped into
  std::optional<LocatedString> format;  // file: csv | jsonl | parquet
  std::optional<LocatedString> schema;  // warehouse_share: the schema holding the share view
  // The records come from an audience's members, or from a model: a table or view
  // "schema.name" in the warehouse with one row per profile and a `profile_id` column.
  // Exactly one is set. With a model, FieldMapping::from names a column of it.
  std::optional<LocatedString> audience;
  std::optional<LocatedString> model;
  std::optional<LocatedString> purpose;
  std::vector<FieldMapping> fields;
  // `clear_pii: [field, ...]`: the payload fields that may carry PII in clear text (the
  // company's own systems). validate refuses any other PII field of a webhook or file that
  // is not hashed; a share hashes the others itself.
  std::vector<LocatedString> clear_pii;
  // True when field `name` is listed in clear_pii.
  bool SendsInClear(const std::string& name) const {
    for (const auto& c : clear_pii) {
      if (c.value == name) return true;
    }
    return false;
  }
  // diff: send entering and changed records; mirror: also removals of those that left;
  // full: every member on every sync.
  LocatedString mode{"diff", {}};
  SyncMode sync_mode = SyncMode::kDiff;  // resolved from `mode`
  int64_t batch_size = 1000;
  int64_t rate_limit = 0;                // records per second; 0 means no limit
  std::optional<LocatedString> timeout;  // per request, a duration; default 30s
  std::optional<SecretRef> secret;       // the HMAC key of the X-Zcdp-Signature header
  std::optional<LocatedString> description;
  SourcePos pos;
};

// The destination types zcdp can deliver to.
inline constexpr const char* kDestinationTypes[] = {"webhook", "file", "audience_upload",
                                                    "warehouse_share"};

struct ConsentConfig {
  LocatedString source;
  LocatedString purpose_column;
  LocatedString granted_column;
  std::optional<LocatedString> timestamp_column;
  SourcePos pos;
};

// A loaded project file. Plain data; all positions refer to `file`.
struct Project {
  std::string file;  // absolute path of the project file
  std::string dir;   // its directory; relative paths in the file resolve against it
  LocatedString name;
  WarehouseConfig warehouse;
  std::vector<SourceConfig> sources;
  IdentityConfig identity;
  std::vector<TraitConfig> traits;
  ProfilesConfig profiles;
  std::vector<AudienceConfig> audiences;
  std::vector<DestinationConfig> destinations;
  std::optional<ConsentConfig> consent;

  // The source named `name`, or nullptr.
  const SourceConfig* FindSource(const std::string& name) const;
  const IdTypeConfig* FindIdType(const std::string& name) const;
  // zcdp's state directory for this project (run metadata only, never customer values).
  std::string StateDir() const { return dir + "/.zcdp"; }
};

// True when the trait or id type `from` carries values of a column tagged `pii`: an id type
// a source maps a PII column to, or a trait that reads a PII column, whatever its kind: an
// aggregate or pick over one, an `sql` expression that names one of its source's PII columns
// (or that zcdp cannot read column names from: `*` beyond count(*), COLUMNS(...)), or an
// `sql` expression over other traits that names a PII trait. A trait's `pii:` overrides this.
bool IsPiiField(const Project& project, const std::string& from);
// Where the PII of `from` comes from, for a message: "column 'email' of source 'customers'",
// "trait 'x' (pii: true)", ...; "" when IsPiiField is false.
std::string PiiOrigin(const Project& project, const std::string& from);

// Every name the project file gives: the project's, the schemas', and those of its sources,
// their tables and columns, id types, traits, audiences, destinations, their fields and
// purposes, and the words and literals of its conditions and sql expressions. zcdp's messages quote
// these, and none is a customer's value: ScrubValues keeps them when it scrubs a message for zcdp's
// own state.
std::set<std::string> ProjectNames(const Project& project);

// Resolves `-p/--project`: a directory means DIR/zcdp.yaml, anything else is used as is.
// Does not check that the file exists: LoadProject reports a missing file clearly.
std::string ResolveProjectPath(const std::string& file_or_dir);

// The value of the environment variable a secret names, read now and never stored.
// Returns NotFound when the variable is unset, InvalidArgument when the reference is empty.
Result<std::string> ResolveSecret(const SecretRef& secret);

// Replaces every ${ENV_VAR} in `text` with the variable's value. NotFound names a variable
// that is unset; InvalidArgument a malformed reference. `what` names the text in errors.
Result<std::string> ExpandEnvReferences(std::string_view text, std::string_view what);

// How to open the project's warehouse: the engine, the DuckDB file or the PostgreSQL
// connection (secrets resolved from the environment now), and engine options such as
// `statement_timeout` (a duration) and `schema` (PostgreSQL's search_path).
Result<WarehouseOptions> WarehouseOptionsFor(const WarehouseConfig& config);

// Parses a project file. Structural problems (bad YAML, unknown keys, wrong shapes, duplicate
// names, references to undeclared id types or sources, literal secrets) go to `diags`; the
// returned Project holds whatever could be read. Returns nullopt only when the file cannot be
// read or is not YAML at all (also reported in `diags`).
std::optional<Project> LoadProject(const std::string& path, Diagnostics& diags);
// Same, from text (for tests and fuzzing); `file` names it in diagnostics, `dir` resolves
// relative paths.
std::optional<Project> ParseProject(const std::string& text, const std::string& file,
                                    const std::string& dir, Diagnostics& diags);

}  // namespace zcdp
