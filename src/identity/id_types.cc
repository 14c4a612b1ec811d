#include "identity/id_types.h"

#include <algorithm>
#include <tuple>

namespace zcdp {

int64_t HubLimit(const IdTypeSpec& hub, const IdTypeSpec& other) {
  if (other.priority < hub.priority) return hub.quarantine_threshold;
  return std::max(hub.quarantine_threshold, other.max_per_profile);
}

Result<std::vector<IdTypeSpec>> IdTypeSpecs(const Project& project) {
  std::vector<IdTypeSpec> out;
  for (const auto& t : project.identity.id_types) {
    IdTypeSpec spec;
    spec.name = t.name.value;
    spec.priority = t.priority;
    spec.max_per_profile = t.max_per_profile.value_or(0);
    if (t.normalize) {
      ZCDP_ASSIGN_OR_RETURN(spec.rule, ParseNormalizeRule(t.normalize->value));
    }
    spec.region = t.default_region ? t.default_region->value : "";
    spec.validity = t.regex ? t.regex->value : "";
    spec.quarantine_threshold = t.quarantine_threshold.value_or(kDefaultQuarantineThreshold);
    out.push_back(std::move(spec));
  }
  std::sort(out.begin(), out.end(), [](const IdTypeSpec& a, const IdTypeSpec& b) {
    return std::tie(a.priority, a.name) < std::tie(b.priority, b.name);
  });
  return out;
}

std::vector<std::string> BlocklistPatterns(const Project& project) {
  std::vector<std::string> out;
  for (const auto& p : project.identity.blocklist) out.push_back(p.value);
  return out;
}

}  // namespace zcdp
