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
};

// Default for `quarantine_threshold`: a value linked to more distinct values of one other
// type than this (a kiosk cookie, a shared placeholder) is quarantined, not linked.
inline constexpr int64_t kDefaultQuarantineThreshold = 20;

// The id types of `project`, sorted by priority then name. Fails on an unknown rule.
Result<std::vector<IdTypeSpec>> IdTypeSpecs(const Project& project);

// The blocklist patterns of the project.
std::vector<std::string> BlocklistPatterns(const Project& project);

}  // namespace zcdp
