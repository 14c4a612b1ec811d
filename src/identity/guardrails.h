#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// An edge of a component that breaks a limit, in resolution order: stronger identifier
// types first (lower rank), then the most recent record.
struct GuardrailEdge {
  int64_t a = 0;
  int64_t b = 0;
  std::string type_a;
  std::string type_b;
};

struct DroppedEdge {
  int64_t a = 0;
  int64_t b = 0;
  std::string rule;  // "max_per_profile:<type>"
};

struct GuardrailResult {
  std::vector<std::pair<int64_t, int64_t>> labels;  // (node, component = min node id)
  std::vector<DroppedEdge> dropped;
};

// Replays the edges in order with a union-find that counts identifier values per type, and
// drops each edge whose merge would give a profile more values of a type than
// `limits[type]` allows (types without a limit are absent). Because edges arrive strongest
// type first and most recent first, the weaker, older link is the one dropped.
GuardrailResult ResolveGuardrails(const std::vector<GuardrailEdge>& edges,
                                  const std::map<std::string, int64_t>& limits,
                                  const std::vector<std::string>& type_order);

class IdentitySql;

// The same replay done by the engine (the `sql` strategy): for the components that break a
// limit, writes identity_guardrail_labels and identity_dropped, and relabels
// identity_components. One round per edge of the largest violating component, every
// violating component advancing together. Returns the number of dropped edges.
Result<int64_t> ApplyGuardrailsSql(Warehouse& wh, const IdentitySql& q);

}  // namespace zcdp
