#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zcdp {

// Edit distance (optimal string alignment: insertions, deletions, substitutions and adjacent
// transpositions), compared case-insensitively.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" for the closest candidate, or "" when none is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

// `text` in single quotes for a message: control characters escaped, long text shortened.
std::string Quote(std::string_view text);

// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names);

// True for [A-Za-z_][A-Za-z0-9_]* of at most 63 characters: the names zcdp uses in SQL.
bool IsValidName(std::string_view name);
inline constexpr const char* kValidNameRule =
    "expected letters, digits and '_', starting with a letter or '_', at most 63 characters";

}  // namespace zcdp
