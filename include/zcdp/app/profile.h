#pragma once

// Reading the identity graph the `identity` step wrote: one profile, or why two identifiers
// are (not) one profile.

#include <optional>
#include <string>
#include <vector>

#include "zcdp/app/project.h"
#include "zcdp/common/status.h"
#include "zcdp/identity/explain.h"
#include "zcdp/warehouse/value.h"

namespace zcdp::app {

// One trait of a profile, as <output_schema>.profiles holds it.
struct TraitValue {
  std::string name;
  Value value;
};

// An audience the profile is in, and when it entered (as text).
struct AudienceEntry {
  std::string audience;
  std::string since;
};

// Everything known about one profile.
struct Profile {
  std::string profile_id;
  std::vector<ProfileIdentifier> identifiers;  // first/last seen empty for untimed sources
  std::vector<TraitValue> traits;              // empty before the traits step has run
  std::vector<AudienceEntry> audiences;        // by name; empty before audiences have run
};

// A profile lookup: the identifier as resolved, and its profile when one holds it.
struct ProfileLookup {
  IdentifierRef id;
  std::optional<Profile> profile;
};

// The profile holding `identifier` ("TYPE:VALUE"), with its traits and audiences when those
// steps have run. InvalidArgument when the identifier does not resolve.
Result<ProfileLookup> LookupProfile(const OpenedProject& opened, const std::string& identifier);

// Both identifiers as resolved and why they are, or are not, one profile.
struct ExplainResult {
  IdentifierRef a, b;
  Explanation explanation;
};

// Explains two identifiers ("TYPE:VALUE" each) from the identity step's tables.
Result<ExplainResult> ExplainIdentifiers(const OpenedProject& opened, const std::string& a,
                                         const std::string& b);

}  // namespace zcdp::app
