#include "identity/components_radix.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace zcdp::components_internal {
namespace {

constexpr int kBits = 11;
constexpr int kPasses = (64 + kBits - 1) / kBits;
constexpr size_t kDigits = size_t{1} << kBits;
constexpr uint64_t kSignBit = uint64_t{1} << 63;

using Histograms = std::array<std::array<size_t, kDigits>, kPasses>;

// Flipping the sign bit makes unsigned order equal signed order.
inline uint64_t Key(int64_t v) { return uint64_t(v) ^ kSignBit; }
inline size_t Digit(uint64_t key, int pass) { return (key >> (pass * kBits)) & (kDigits - 1); }

void Count(const std::vector<int64_t>& values, Histograms& counts) {
  for (auto& h : counts) h.fill(0);
  for (int64_t v : values) {
    const uint64_t key = Key(v);
    for (int p = 0; p < kPasses; ++p) ++counts[p][Digit(key, p)];
  }
}

// Stable scatter of `from` into `to` by digit `pass`; `counts` becomes the start offsets.
void Scatter(const std::vector<int64_t>& from, std::vector<int64_t>& to,
             std::array<size_t, kDigits>& counts, int pass) {
  size_t offset = 0;
  for (size_t& c : counts) {
    const size_t n = c;
    c = offset;
    offset += n;
  }
  for (int64_t v : from) to[counts[Digit(Key(v), pass)]++] = v;
}

}  // namespace

void RadixSort(std::vector<int64_t>& values) {
  auto counts = std::make_unique<Histograms>();
  Count(values, *counts);
  std::vector<int64_t> scratch(values.size());
  for (int p = 0; p < kPasses; ++p) {
    // A digit shared by every value leaves the order as it is.
    if ((*counts)[p][Digit(Key(values.empty() ? 0 : values[0]), p)] == values.size()) continue;
    Scatter(values, scratch, (*counts)[p], p);
    values.swap(scratch);
  }
}

}  // namespace zcdp::components_internal
