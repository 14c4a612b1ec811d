#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace zcdp::synth {

// The splitmix64 finaliser. A bijection on 64-bit integers, so distinct inputs give distinct
// outputs: the generator builds unique identifiers from it.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The seed of one person's random stream (`stream` separates tables, so changing how one
// table is generated leaves the others unchanged).
inline uint64_t PersonSeed(uint64_t seed, int64_t person, uint64_t stream) {
  return Mix64(Mix64(seed ^ (stream * 0x9e3779b97f4a7c15ULL)) + static_cast<uint64_t>(person));
}

// A splitmix64 random stream. Every helper is written out here instead of using <random>'s
// distributions, whose output differs between standard libraries: the same seed must give
// the same data everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(state_);
  }
  // Uniform in [0, n). REQUIRES: n > 0. (Multiply-shift; the bias is below 2^-40.)
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with probability p (clamped to [0, 1]).
  bool Bernoulli(double p) {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return Next() < static_cast<uint64_t>(p * 18446744073709551616.0);
  }
  // Number of successes before the first failure, each with probability `p_continue`,
  // at most `cap`. The mean is p / (1 - p).
  int Geometric(double p_continue, int cap) {
    int n = 0;
    while (n < cap && Bernoulli(p_continue)) ++n;
    return n;
  }
  // Index into a table of cumulative weights (the last one is the total).
  template <size_t N>
  int Pick(const std::array<uint32_t, N>& cumulative) {
    const uint64_t total = cumulative[N - 1];
    const uint64_t x = Uniform(total);
    int i = 0;
    while (cumulative[i] <= x) ++i;
    return i;
  }

 private:
  uint64_t state_;
};

}  // namespace zcdp::synth
