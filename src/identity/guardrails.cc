#include "identity/guardrails.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace zcdp {
namespace {

// Union-find whose roots carry a count of values per identifier type and the min node id.
class CountingUnionFind {
 public:
  explicit CountingUnionFind(size_t types) : types_(types) {}

  size_t Add(int64_t node, size_t type) {
    const auto [it, inserted] = index_.try_emplace(node, parent_.size());
    if (!inserted) return it->second;
    parent_.push_back(it->second);
    min_node_.push_back(node);
    counts_.resize(counts_.size() + types_, 0);
    counts_[it->second * types_ + type] = 1;
    return it->second;
  }
  size_t Find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  int64_t Count(size_t root, size_t type) const { return counts_[root * types_ + type]; }
  void Union(size_t ra, size_t rb) {
    if (ra > rb) std::swap(ra, rb);
    parent_[rb] = ra;
    min_node_[ra] = std::min(min_node_[ra], min_node_[rb]);
    for (size_t t = 0; t < types_; ++t) counts_[ra * types_ + t] += counts_[rb * types_ + t];
  }
  std::vector<std::pair<int64_t, int64_t>> Labels() {
    std::vector<std::pair<int64_t, int64_t>> out;
    out.reserve(index_.size());
    for (const auto& [node, i] : index_) out.emplace_back(node, min_node_[Find(i)]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  size_t types_;
  std::unordered_map<int64_t, size_t> index_;
  std::vector<size_t> parent_;
  std::vector<int64_t> min_node_;
  std::vector<int64_t> counts_;
};

}  // namespace

GuardrailResult ResolveGuardrails(const std::vector<GuardrailEdge>& edges,
                                  const std::map<std::string, int64_t>& limits,
                                  const std::vector<std::string>& type_order) {
  std::unordered_map<std::string, size_t> type_index;
  for (size_t i = 0; i < type_order.size(); ++i) type_index[type_order[i]] = i;
  CountingUnionFind uf(type_order.size());
  GuardrailResult result;
  for (const auto& e : edges) {
    const size_t ra = uf.Find(uf.Add(e.a, type_index.at(e.type_a)));
    const size_t rb = uf.Find(uf.Add(e.b, type_index.at(e.type_b)));
    if (ra == rb) continue;
    std::string broken;
    for (const auto& type : type_order) {  // strongest type first names the rule
      const auto limit = limits.find(type);
      if (limit == limits.end()) continue;
      const size_t t = type_index[type];
      if (uf.Count(ra, t) + uf.Count(rb, t) > limit->second) {
        broken = type;
        break;
      }
    }
    if (broken.empty()) {
      uf.Union(ra, rb);
    } else {
      result.dropped.push_back({e.a, e.b, "max_per_profile:" + broken});
    }
  }
  result.labels = uf.Labels();
  return result;
}

}  // namespace zcdp
