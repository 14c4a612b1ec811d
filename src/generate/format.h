#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace zcdp::synth {

// Appends `v` as exactly `width` decimal digits (zero-padded, high digits cut).
inline void AppendDigits(uint64_t v, int width, std::string& out) {
  std::array<char, 20> buf{};
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf.data(), width);
}

// Appends the low `digits` nibbles of `v` as lower-case hex.
inline void AppendHex(uint64_t v, int digits, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(v >> (4 * i)) & 15]);
}

}  // namespace zcdp::synth
