#pragma once

#include <optional>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/model/project.h"

namespace zcdp {

class Warehouse;

// An identifier as a user types it: "email:Jane@Example.com".
struct IdentifierRef {
  std::string id_type;
  std::string value;  // normalised by the id type's rules once resolved
};

// Splits "TYPE:VALUE" and normalises VALUE with the project's rules for TYPE. Fails with
// InvalidArgument naming the problem (no colon, unknown type, value the rules reject).
Result<IdentifierRef> ResolveIdentifier(const Project& project, const std::string& arg);

struct ProfileIdentifier {
  std::string id_type;
  std::string id_value;
  std::string first_seen;
  std::string last_seen;
  int64_t source_count = 0;
};

struct ProfileView {
  std::string profile_id;
  std::vector<ProfileIdentifier> identifiers;
};

// The profile holding `id` in identity_graph, or nullopt when no profile holds it.
Result<std::optional<ProfileView>> LookupProfile(const Project& project, Warehouse& wh,
                                                 const IdentifierRef& id);

// One link of the chain joining two identifiers: a source row that holds both ends.
struct ExplainLink {
  std::string from_type, from_value, to_type, to_value;
  std::string source, row_key, first_seen, last_seen;
  int64_t records = 0;
};

struct Explanation {
  std::optional<std::string> profile_a, profile_b;
  bool joined = false;
  std::vector<ExplainLink> chain;  // when joined: the shortest chain of edges from a to b
  std::vector<std::string>
      reasons;  // when separate: guardrails and quarantines that kept them apart
};

// Why two identifiers are, or are not, in one profile. Reads the identity step's tables.
Result<Explanation> Explain(const Project& project, Warehouse& wh, const IdentifierRef& a,
                            const IdentifierRef& b);

}  // namespace zcdp
