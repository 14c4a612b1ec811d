#include "model/file_glob.h"

#include <filesystem>

#include <fnmatch.h>

namespace zcdp::model_detail {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxVisited = 200000;

bool HasWildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// The directory before the first component with a wildcard, and how many components follow.
fs::path LiteralBase(const fs::path& pattern, size_t& remaining) {
  fs::path base;
  remaining = 0;
  bool wild = false;
  for (const auto& part : pattern) {
    wild = wild || HasWildcard(part.string());
    if (wild) {
      ++remaining;
    } else {
      base /= part;
    }
  }
  return base;
}

bool WalkForMatch(const std::string& pattern, const fs::path& base, size_t remaining) {
  const bool any_depth = pattern.find("**") != std::string::npos;
  // Without `**`, `*` must not cross a '/', and the walk need not go deeper than the pattern.
  const int flags = any_depth ? 0 : FNM_PATHNAME;
  std::error_code ec;
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
  size_t visited = 0;
  for (fs::recursive_directory_iterator end; !ec && it != end; it.increment(ec)) {
    if (++visited > kMaxVisited) return true;
    if (!any_depth && static_cast<size_t>(it.depth()) + 1 >= remaining) {
      it.disable_recursion_pending();
    }
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    if (fnmatch(pattern.c_str(), it->path().c_str(), flags) == 0) return true;
  }
  return false;
}

}  // namespace

bool GlobHasMatch(const std::string& pattern) {
  try {
    std::error_code ec;
    if (!HasWildcard(pattern)) return fs::is_regular_file(pattern, ec);
    size_t remaining = 0;
    const fs::path base = LiteralBase(fs::path(pattern), remaining);
    if (!fs::is_directory(base, ec)) return false;
    return WalkForMatch(pattern, base, remaining);
  } catch (const std::exception&) {
    return true;  // cannot tell: let the engine decide
  }
}

}  // namespace zcdp::model_detail
