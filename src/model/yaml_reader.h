#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp::model_detail {

// The 1-based position of a node, or {0, 0} when yaml-cpp does not know it.
SourcePos PosOf(const YAML::Node& node);

// "a mapping", "a list", "a string" or "nothing": what a node is, for messages.
std::string ShapeOf(const YAML::Node& node);

// One key of a mapping with its value.
struct Entry {
  std::string key;
  SourcePos key_pos;
  YAML::Node value;
  // Where the value is written, or where the key is when the value is empty: an empty value
  // has no text of its own.
  SourcePos pos;
};

// A mapping from the project file, its keys already checked.
struct Fields {
  std::string context;  // e.g. "source 'orders'"; prefixes every message about it
  SourcePos pos;        // where the mapping starts
  std::vector<Entry> entries;

  // The entry for `key`, or nullptr.
  const Entry* Find(std::string_view key) const;
};

// Typed reads from yaml-cpp nodes. Every problem goes to the Diagnostics with the position of
// the offending key or value and what was expected; reads never throw.
// Not thread-safe; one reader per parse.
class YamlReader {
 public:
  explicit YamlReader(Diagnostics& diags) : diags_(diags) {}

  Diagnostics& diags() { return diags_; }
  // "<context>: <message>" (or the message alone when the context is empty) at `pos`.
  void Error(SourcePos pos, const std::string& context, const std::string& message);

  // Reads `node` as a mapping whose keys must be among `allowed`. Reports a wrong shape
  // ("expected <expected>, got a list"), keys that are not strings, duplicate keys and unknown
  // keys (with a suggestion). Returns nullopt when the node is not a mapping.
  std::optional<Fields> Map(const YAML::Node& node, SourcePos pos, const std::string& context,
                            const std::vector<std::string>& allowed,
                            std::string_view expected = "a mapping");
  // Reports each key of `f` not among `allowed`, suggesting the closest allowed key.
  void CheckKeys(const Fields& f, const std::vector<std::string>& allowed);
  // Like Map, but any string key is accepted (keys named by the user, such as id types).
  std::optional<Fields> OpenMap(const YAML::Node& node, SourcePos pos, const std::string& context,
                                std::string_view expected);
  // The items of a sequence value, or nullopt with a diagnostic when it is not a list.
  std::optional<std::vector<YAML::Node>> List(const Entry& e, const std::string& context,
                                              std::string_view expected);

  // Reports "missing required key" for each of `keys` absent from `f`. True if all present.
  bool Require(const Fields& f, const std::vector<std::string>& keys);

  // A non-empty string scalar, or nullopt with a diagnostic.
  std::optional<LocatedString> String(const YAML::Node& node, SourcePos pos,
                                      const std::string& context, const std::string& what);
  // The string value of `key`: nullopt (without a diagnostic) when the key is absent.
  std::optional<LocatedString> String(const Fields& f, std::string_view key);
  // The value of `key` as an integer in [1, max]: nullopt when absent or invalid (reported).
  std::optional<Located<int64_t>> PositiveInt(const Fields& f, std::string_view key,
                                              int64_t max = INT32_MAX);
  // The value of `key` as a list of non-empty strings; empty when absent.
  std::vector<LocatedString> StringList(const Fields& f, std::string_view key,
                                        std::string_view expected);
  // The value of `key` when it is one of `allowed` (reported with a suggestion otherwise).
  std::optional<LocatedString> Enum(const Fields& f, std::string_view key,
                                    const std::vector<std::string>& allowed);

 private:
  std::optional<Fields> ReadMap(const YAML::Node& node, SourcePos pos, const std::string& context,
                                std::string_view expected);

  Diagnostics& diags_;
};

}  // namespace zcdp::model_detail
