#pragma once

// Sorting for the native connected-components strategy. Private to src/identity.

#include <cstdint>
#include <vector>

namespace zcdp::components_internal {

// Sorts `values` ascending: a least-significant-digit radix sort, 11 bits per pass, that
// skips the passes where every value has the same digit. Uses one scratch copy of `values`.
void RadixSort(std::vector<int64_t>& values);

}  // namespace zcdp::components_internal
