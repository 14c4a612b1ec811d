#pragma once

// Scores the identity graph of a generated shop against its ground truth, with SQL in an
// in-memory DuckDB that attaches the shop's warehouse read-only.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp::bench {

// What became of one shared or placeholder value of truth/shared.csv.
struct SharedValueCheck {
  std::string id_type;
  std::string value;   // raw, as in shared.csv
  std::string reason;  // shared_device, placeholder
  int64_t person_count = 0;
  // blocklisted, skipped:<reason>, quarantined, in_graph or absent.
  std::string status;
  // True persons with identifiers in the value's profile (0 when it is not in the graph).
  int64_t persons_in_profile = 0;
  bool links_persons = false;  // in the graph, in a profile of more than one true person
};

// Pairwise figures over identifier nodes: every truth identifier is mapped to its normalised
// value (one node per normalised value); nodes without a profile in identity_graph are
// singletons on the predicted side.
struct QualityReport {
  int64_t true_pairs = 0;           // sum over persons of C(n, 2)
  int64_t predicted_pairs = 0;      // sum over profiles of C(n, 2)
  int64_t true_positive_pairs = 0;  // sum over (profile, person) cells of C(n, 2)
  double precision = 1;
  double recall = 1;
  double f1 = 1;
  int64_t persons = 0;
  int64_t truth_identifiers = 0;  // rows of persons.csv (raw values)
  int64_t identifier_nodes = 0;   // after normalisation
  int64_t unresolved_nodes = 0;   // no profile in identity_graph
  int64_t profiles = 0;           // profiles holding at least one truth identifier
  int64_t over_merged_profiles = 0;
  int64_t split_persons = 0;    // persons spread over more than one profile or singleton
  int64_t ambiguous_nodes = 0;  // nodes that the truth gives to more than one person
  // Pairs of one person that ended up apart, by pair of id types ("email-user_id").
  std::vector<std::pair<std::string, int64_t>> lost_pairs_by_type;
  // Unresolved nodes by cause (skip reason, quarantined, not_in_graph).
  std::vector<std::pair<std::string, int64_t>> unresolved_by_reason;
  std::vector<SharedValueCheck> shared;
  bool shared_values_link_persons = false;
};

// Scores `project_dir` (warehouse.duckdb and truth/) whose output schema is `schema`.
// Fails when a file or table is missing.
Result<QualityReport> ScoreIdentity(const std::string& project_dir, const std::string& schema);

// The version string of the linked DuckDB library.
Result<std::string> DuckDbVersion();

}  // namespace zcdp::bench
