#pragma once

// The project loader's sections, one file each. Internal to src/model.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/model/project.h"

#include "model/yaml_reader.h"

namespace zcdp::model_detail {

// What every section parser needs.
struct ParseContext {
  YamlReader& reader;
  std::string dir;  // relative paths in the file resolve against it
};

// Each reads the value of one top-level key into `out`, reporting every problem.
void ParseWarehouse(const Entry& e, ParseContext& ctx, WarehouseConfig& out);
void ParseSources(const Entry& e, ParseContext& ctx, std::vector<SourceConfig>& out);
void ParseIdentity(const Entry& e, ParseContext& ctx, IdentityConfig& out);
void ParseProfiles(const Entry& e, ParseContext& ctx, ProfilesConfig& out);
void ParseTraits(const Entry& e, ParseContext& ctx, std::vector<TraitConfig>& out);
void ParseAudiences(const Entry& e, ParseContext& ctx, std::vector<AudienceConfig>& out);
void ParseDestinations(const Entry& e, ParseContext& ctx, std::vector<DestinationConfig>& out);
void ParseConsent(const Entry& e, ParseContext& ctx, std::optional<ConsentConfig>& out);

// Checks between sections once all are read: id types, sources and audiences that are
// referred to exist, and windows have a timestamp to count from.
void CheckReferences(const Project& project, Diagnostics& diags);
// Collecting sources: no two share a write key or a collect table, and none collects into
// the output schema (src/model/parse_collect.cc).
void CheckCollect(const Project& project, Diagnostics& diags);

// The value of `key` as a "${ENV_VAR}" reference; a literal secret is reported, never echoed.
std::optional<SecretRef> ParseSecret(const Fields& f, std::string_view key, YamlReader& r);
// The same for one value (a list item): `what` names it in the message ("write_keys[1]").
std::optional<SecretRef> ParseSecretValue(const YAML::Node& node, SourcePos pos,
                                          const std::string& context, const std::string& what,
                                          YamlReader& r);

// Reads a source's `collect:` block (src/model/parse_collect.cc) into `s.collect`.
void ParseCollect(const Entry& e, YamlReader& r, const std::string& context, SourceConfig& s);

// "source 'orders'", or "source #2" (1-based) while the name is unknown.
std::string ItemContext(std::string_view kind, const std::optional<LocatedString>& name,
                        size_t index);

// The value of the first `name:` key of a mapping when it is a non-empty string, so that
// messages about the mapping can name it before it is read.
std::optional<LocatedString> PeekName(const YAML::Node& node);

// The required `name` of a list item. A name breaking the name rule is reported and still
// returned, so that references to it resolve.
std::optional<LocatedString> ReadName(YamlReader& r, const Fields& f);

// Reports `name` when an earlier item of the same kind has it, mentioning the first line.
void CheckUniqueName(const LocatedString& name, std::string_view kind,
                     std::map<std::string, int>& first_line, YamlReader& r);

// Reports a pattern std::regex (ECMAScript) rejects, or one too large to compile safely.
void CheckRegex(const LocatedString& pattern, const std::string& context, std::string_view key,
                YamlReader& r);

// `path` made absolute against `dir` and normalised.
std::string AbsolutePath(const std::string& dir, const std::string& path);

// Reads a list of named mappings (sources, traits, ...). For each item: reads the mapping,
// its name, checks the keys against `allowed` and the name for duplicates, then calls
// parse(fields, item). `kind` names one item in messages ("source"); the list is `e.key`.
template <typename T, typename Parse>
void ParseNamedList(const Entry& e, ParseContext& ctx, std::string_view kind,
                    const std::vector<std::string>& allowed, std::vector<T>& out, Parse parse) {
  YamlReader& r = ctx.reader;
  auto items = r.List(e, "", "a list of " + e.key);
  if (!items) return;
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& node = (*items)[i];
    auto fields = r.OpenMap(node, PosOf(node), ItemContext(kind, PeekName(node), i),
                            "a mapping describing a " + std::string(kind));
    if (!fields) continue;
    T item;
    item.pos = fields->pos;
    auto name = ReadName(r, *fields);
    if (name) {
      item.name = *name;
      CheckUniqueName(*name, kind, first_line, r);
    }
    r.CheckKeys(*fields, allowed);
    parse(*fields, item);
    out.push_back(std::move(item));
  }
}

}  // namespace zcdp::model_detail
