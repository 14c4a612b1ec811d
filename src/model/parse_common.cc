#include <filesystem>
#include <regex>

#include "zcdp/common/suggest.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

// std::regex compiles patterns recursively and expands counted repetitions into copies, so
// a hostile pattern could exhaust the stack or memory. These bounds are far above what an
// identifier pattern needs.
constexpr size_t kMaxRegexLength = 1000;
constexpr int kMaxRegexNesting = 50;
constexpr double kMaxRegexRepetition = 10000;

// The product of the counts of `{n}` / `{n,m}` repetitions and the deepest group nesting.
void MeasureRegex(std::string_view p, double& repetition, int& max_depth) {
  repetition = 1;
  max_depth = 0;
  int depth = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') {
      ++i;
    } else if (c == '(') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ')') {
      depth = std::max(0, depth - 1);
    } else if (c == '{') {
      double largest = 0, current = 0;
      for (++i; i < p.size() && p[i] != '}'; ++i) {
        if (p[i] >= '0' && p[i] <= '9') current = current * 10 + (p[i] - '0');
        if (p[i] == ',') current = 0;
        largest = std::max(largest, current);
      }
      repetition *= std::max(1.0, largest);
    }
  }
}

}  // namespace

std::string ItemContext(std::string_view kind, const std::optional<LocatedString>& name,
                        size_t index) {
  if (name) return std::string(kind) + " " + Quote(name->value);
  return std::string(kind) + " #" + std::to_string(index + 1);
}

std::optional<LocatedString> PeekName(const YAML::Node& node) {
  if (!node.IsMap()) return std::nullopt;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar() || kv.first.Scalar() != "name") continue;
    if (!kv.second.IsScalar() || kv.second.Scalar().empty()) return std::nullopt;
    return LocatedString{kv.second.Scalar(), PosOf(kv.second)};
  }
  return std::nullopt;
}

std::optional<LocatedString> ReadName(YamlReader& r, const Fields& f) {
  if (!r.Require(f, {"name"})) return std::nullopt;
  auto name = r.String(f, "name");
  if (name && !IsValidName(name->value)) {
    r.Error(name->pos, f.context,
            "name " + Quote(name->value) + " is not a valid name: " + kValidNameRule);
  }
  return name;
}

void CheckUniqueName(const LocatedString& name, std::string_view kind,
                     std::map<std::string, int>& first_line, YamlReader& r) {
  auto [it, inserted] = first_line.emplace(name.value, name.pos.line);
  if (inserted) return;
  r.Error(name.pos, "",
          "duplicate " + std::string(kind) + " name " + Quote(name.value) +
              " (first defined at line " + std::to_string(it->second) + ")");
}

void CheckRegex(const LocatedString& pattern, const std::string& context, std::string_view key,
                YamlReader& r) {
  const std::string prefix = std::string(key) + ": ";
  double repetition = 1;
  int depth = 0;
  MeasureRegex(pattern.value, repetition, depth);
  if (pattern.value.size() > kMaxRegexLength || depth > kMaxRegexNesting ||
      repetition > kMaxRegexRepetition) {
    r.Error(pattern.pos, context,
            prefix + "regular expression is too complex: expected at most " +
                std::to_string(kMaxRegexLength) + " characters, " +
                std::to_string(kMaxRegexNesting) +
                " nested groups and repetition counts multiplying to at most 10000");
    return;
  }
  try {
    std::regex re(pattern.value, std::regex::ECMAScript);
  } catch (const std::exception& e) {
    r.Error(pattern.pos, context,
            prefix + "invalid regular expression " + Quote(pattern.value) + ": " + e.what());
  }
}

std::string AbsolutePath(const std::string& dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(dir) / p;
  return p.lexically_normal().string();
}

}  // namespace zcdp::model_detail
