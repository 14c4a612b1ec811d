#pragma once

#include <string>
#include <vector>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

#include "identity/id_types.h"

namespace zcdp {

// Builds every statement of the identity step through the Dialect. Names of the output
// schema's tables come from T(); user-written names and values are quoted, never pasted.
class IdentitySql {
 public:
  IdentitySql(const Project& project, const Dialect& dialect, std::vector<IdTypeSpec> types,
              std::vector<std::string> blocklist);

  // `schema.name` in the output schema, quoted.
  std::string T(std::string_view name) const;
  const std::vector<IdTypeSpec>& types() const { return types_; }
  const Dialect& dialect() const { return d_; }
  const std::string& schema() const { return project_.warehouse.output_schema; }

  // identity_observations: one row per (source row, identifier) with a non-null raw value,
  // kept across runs; identity_watermarks: per source, its mapping's fingerprint and the
  // newest timestamp read.
  std::vector<std::string> CreateIncrementalTables() const;
  // A fingerprint of how a source is read and of the identity settings: a change means a
  // full re-read.
  std::string Fingerprint(const SourceConfig& source) const;
  // Replaces the source's observations with all of its rows (parameter: the source name).
  std::vector<std::string> ReloadSource(const SourceConfig& source) const;
  // The scratch table identity_row_changes (row_key): the keys of the source's rows that
  // were added, changed or deleted since its observations were written. Rows are compared by
  // key and content (a count and a sum of hashes of each row's observations, no values),
  // so late rows, updates and deletes are found wherever they are, with or without a
  // timestamp. Costs one scan of the source's identifier columns.
  std::vector<std::string> RowChanges(const SourceConfig& source) const;
  // Replaces the observations of the rows in identity_row_changes with those rows as the
  // source holds them now (none for a deleted row).
  std::vector<std::string> ApplyRowChanges(const SourceConfig& source) const;
  // Drops identity_row_changes.
  std::string DropRowChanges() const;
  // The number of rows in identity_row_changes.
  std::string CountRowChanges() const;
  // SELECT fingerprint, watermark for source $1.
  std::string ReadWatermark() const;
  // Records the fingerprint and newest timestamp of `source` (parameters: name, fingerprint).
  std::vector<std::string> SaveWatermark() const;
  // Per source: `SELECT <null count per identifier column>` for the skipped-null counts.
  std::string NullCounts(const SourceConfig& source) const;
  // identity_phone_map (raw_value, region, value): filled in-process through libphonenumber.
  std::string CreatePhoneMap() const;
  // Distinct raw values of `type` not yet in the phone map.
  std::string PhonesToNormalize(const IdTypeSpec& type) const;
  // identity_values: each distinct (id_type, raw_value) observed, with its normalised value
  // and node id or the reason it is skipped, and how many observations hold it.
  std::string Values() const;
  // identity_record_ids: valid values per observation, with priority and node id.
  std::string RecordIds() const;
  // identity_quarantine: blocklisted values, and hubs: values linked to more distinct values
  // of another type, stronger or weaker, than HubLimit() (reason 'shared', with the number of
  // values and their type, the one with the most when several are over their limit).
  std::string Quarantine() const;
  // identity_nodes: every live (not quarantined) identifier with its first/last seen.
  std::string Nodes() const;
  // identity_record_centers: per record, its strongest live identifier (lowest priority,
  // then type name, then node): the star's center and the node that places the record.
  std::string RecordCenters() const;
  // identity_edges: star edges from each record's center, with provenance.
  std::string Edges() const;
  std::string EdgePairsView() const;
  // The SELECTs of the tables above, their input rows narrowed by `filter` (SQL over the
  // alias named; "" for all rows), for the scoped rebuild of an incremental run:
  // observations `x`; observations `o`; record ids `a` of the hub's side; record ids `r`
  // (nodes, centers and edges).
  std::string ValuesSelect(const std::string& filter) const;
  std::string RecordIdsSelect(const std::string& filter) const;
  std::string QuarantineShared(const std::string& filter) const;
  std::string QuarantineBlocked() const;
  std::string NodesSelect(const std::string& filter) const;
  std::string RecordCentersSelect(const std::string& filter) const;
  // `centers_filter`: the same over the record centers `c`.
  std::string EdgesSelect(const std::string& filter, const std::string& centers_filter) const;
  // Per id type of identity_values: (id_type, observed, rejected), rejected meaning invalid or
  // too long under the type's rules.
  std::string RejectionCounts() const;
  // Components breaking a max_per_profile limit: (component).
  std::string ViolatingComponents() const;
  // Edges inside violating components, in the order the guardrail resolves them.
  std::string ViolatingEdges() const;

  // The declared id types as a relation: (VALUES ...) AS t(id_type, priority,
  // max_per_profile, threshold).
  std::string TypesRelation() const;
  // HubLimit() for every ordered pair of distinct id types: (VALUES ...) AS h(id_type,
  // other_type, hub_limit); one row of NULLs, which joins nothing, for a single type.
  std::string HubLimitsRelation() const;

 private:
  std::string NormalizedExpr() const;
  std::string SkipExpr() const;
  std::string BlockedExpr(const std::string& expr) const;
  std::string RowKeyExpr(const SourceConfig& source) const;
  // `table alias`, or its rows that satisfy `filter` (over `alias`) as a subquery.
  std::string Narrowed(std::string_view table, const std::string& alias,
                       const std::string& filter) const;
  // `a` and `b` (aliases of record-id rows) are the same record: rec first, then the keys.
  static std::string SameRecord(std::string_view a, std::string_view b);
  // Per row key of `observations` (source, row_key, ts, id_type, raw_value): its count and
  // a sum of hashes of its observations.
  std::string RowDigests(const std::string& observations) const;
  std::string SourceSelect(const SourceConfig& source) const;

  const Project& project_;
  const Dialect& d_;
  std::vector<IdTypeSpec> types_;
  std::vector<std::string> blocklist_;
};

}  // namespace zcdp
