#include "model/yaml_reader.h"

#include <charconv>
#include <map>

#include "zcdp/common/suggest.h"

namespace zcdp::model_detail {

SourcePos PosOf(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string ShapeOf(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a string";
    default:
      return "nothing";
  }
}

const Entry* Fields::Find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

void YamlReader::Error(SourcePos pos, const std::string& context, const std::string& message) {
  diags_.Error(pos, context.empty() ? message : context + ": " + message);
}

std::optional<Fields> YamlReader::ReadMap(const YAML::Node& node, SourcePos pos,
                                          const std::string& context, std::string_view expected) {
  if (!node.IsMap()) {
    Error(pos, context, "expected " + std::string(expected) + ", got " + ShapeOf(node));
    return std::nullopt;
  }
  Fields f{context, pos, {}};
  std::map<std::string, int> first_line;
  for (const auto& kv : node) {
    const SourcePos key_pos = PosOf(kv.first);
    if (!kv.first.IsScalar()) {
      Error(key_pos, context, "expected a string key, got " + ShapeOf(kv.first));
      continue;
    }
    const std::string key = kv.first.Scalar();
    auto [it, inserted] = first_line.emplace(key, key_pos.line);
    if (!inserted) {
      Error(key_pos, context,
            "duplicate key " + Quote(key) + " (first at line " + std::to_string(it->second) + ")");
      continue;
    }
    const SourcePos value_pos = kv.second.IsNull() ? key_pos : PosOf(kv.second);
    f.entries.push_back({key, key_pos, kv.second, value_pos});
  }
  return f;
}

void YamlReader::CheckKeys(const Fields& f, const std::vector<std::string>& allowed) {
  for (const auto& e : f.entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string hint = DidYouMean(e.key, allowed);
    if (hint.empty()) hint = "; expected one of: " + JoinNames(allowed);
    Error(e.key_pos, f.context, "unknown key " + Quote(e.key) + hint);
  }
}

std::optional<Fields> YamlReader::Map(const YAML::Node& node, SourcePos pos,
                                      const std::string& context,
                                      const std::vector<std::string>& allowed,
                                      std::string_view expected) {
  auto f = ReadMap(node, pos, context, expected);
  if (f) CheckKeys(*f, allowed);
  return f;
}

std::optional<Fields> YamlReader::OpenMap(const YAML::Node& node, SourcePos pos,
                                          const std::string& context, std::string_view expected) {
  return ReadMap(node, pos, context, expected);
}

std::optional<std::vector<YAML::Node>> YamlReader::List(const Entry& e, const std::string& context,
                                                        std::string_view expected) {
  if (!e.value.IsSequence()) {
    Error(e.pos, context,
          e.key + ": expected " + std::string(expected) + ", got " + ShapeOf(e.value));
    return std::nullopt;
  }
  std::vector<YAML::Node> items;
  for (const auto& item : e.value) items.push_back(item);
  return items;
}

bool YamlReader::Require(const Fields& f, const std::vector<std::string>& keys) {
  bool all = true;
  for (const auto& key : keys) {
    if (f.Find(key) != nullptr) continue;
    Error(f.pos, f.context, "missing required key " + Quote(key));
    all = false;
  }
  return all;
}

std::optional<LocatedString> YamlReader::String(const YAML::Node& node, SourcePos pos,
                                                const std::string& context,
                                                const std::string& what) {
  const std::string prefix = what.empty() ? "" : what + ": ";
  if (!node.IsScalar()) {
    Error(pos, context, prefix + "expected a string, got " + ShapeOf(node));
    return std::nullopt;
  }
  if (node.Scalar().empty()) {
    Error(pos, context, prefix + "expected a non-empty string");
    return std::nullopt;
  }
  return LocatedString{node.Scalar(), pos};
}

std::optional<LocatedString> YamlReader::String(const Fields& f, std::string_view key) {
  const Entry* e = f.Find(key);
  if (e == nullptr) return std::nullopt;
  return String(e->value, e->pos, f.context, e->key);
}

std::optional<Located<int64_t>> YamlReader::PositiveInt(const Fields& f, std::string_view key,
                                                        int64_t max) {
  const Entry* e = f.Find(key);
  if (e == nullptr) return std::nullopt;
  const std::string text = e->value.IsScalar() ? e->value.Scalar() : "";
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || v <= 0 || v > max) {
    const std::string got = e->value.IsScalar() ? Quote(text) : ShapeOf(e->value);
    Error(
        e->pos, f.context,
        e->key + ": expected a positive integer (at most " + std::to_string(max) + "), got " + got);
    return std::nullopt;
  }
  return Located<int64_t>{v, e->pos};
}

std::vector<LocatedString> YamlReader::StringList(const Fields& f, std::string_view key,
                                                  std::string_view expected) {
  std::vector<LocatedString> out;
  const Entry* e = f.Find(key);
  if (e == nullptr) return out;
  auto items = List(*e, f.context, expected);
  if (!items) return out;
  for (const auto& item : *items) {
    if (auto s = String(item, PosOf(item), f.context, e->key)) out.push_back(std::move(*s));
  }
  return out;
}

std::optional<LocatedString> YamlReader::Enum(const Fields& f, std::string_view key,
                                              const std::vector<std::string>& allowed) {
  auto s = String(f, key);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), s->value) != allowed.end()) return s;
  std::string hint = DidYouMean(s->value, allowed);
  Error(s->pos, f.context,
        std::string(key) + ": expected one of " + JoinNames(allowed) + ", got " + Quote(s->value) +
            hint);
  return std::nullopt;
}

}  // namespace zcdp::model_detail
