#pragma once

#include <string>
#include <vector>

#include "zcdp/identity/normalize.h"
#include "zcdp/model/project.h"

namespace zcdp {

// One identifier type with its defaults filled in, as the identity step uses it.
struct IdTypeSpec {
  std::string name;
  int priority = 100;
  int64_t max_per_profile = 0;  // 0: no limit
  NormalizeRule rule = NormalizeRule::kNone;
  std::string region;                 // phone_e164 only
  std::string validity;               // regex, may be empty
  int64_t quarantine_threshold = 20;  // linked values of one other type before quarantine
                                      // (see HubLimit)
};

// Default for `quarantine_threshold`: a value linked to more distinct values of one other
// type, stronger or weaker, than this (a kiosk cookie, a shared placeholder) is quarantined,
// not linked.
inline constexpr int64_t kDefaultQuarantineThreshold = 20;

// How many distinct values of type `other` one value of type `hub` may be linked to (in the
// same source rows) before it is quarantined as a hub: a kiosk cookie, a placeholder email
// every guest types. The hub type's quarantine_threshold; for an `other` type that is not
// stronger (a higher or equal priority number), at least that type's max_per_profile, since
// one person may hold that many values of it.
int64_t HubLimit(const IdTypeSpec& hub, const IdTypeSpec& other);

// The id types of `project`, sorted by priority then name. Fails on an unknown rule.
Result<std::vector<IdTypeSpec>> IdTypeSpecs(const Project& project);

// The blocklist patterns of the project.
std::vector<std::string> BlocklistPatterns(const Project& project);

}  // namespace zcdp
