#pragma once

#include <string>

namespace zcdp::model_detail {

// True when at least one regular file matches the local path or glob `pattern` (`*`, `?`,
// `[...]` within a path component; `**` across directories). Never throws. A pattern whose
// search would visit more than a bounded number of entries is assumed to match, leaving the
// final word to the engine.
bool GlobHasMatch(const std::string& pattern);

}  // namespace zcdp::model_detail
