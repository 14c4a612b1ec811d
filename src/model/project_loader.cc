#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "zcdp/common/suggest.h"
#include "zcdp/model/project.h"

#include "model/parse_internal.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using model_detail::Entry;
using model_detail::ParseContext;
using model_detail::YamlReader;

// A project file is configuration: a few kilobytes. The bound keeps hostile input cheap.
constexpr size_t kMaxProjectBytes = 4 << 20;

const std::vector<std::string> kTopKeys = {"name",         "warehouse", "sources",
                                           "identity",     "traits",    "audiences",
                                           "destinations", "consent",   "profiles"};

SourcePos PosOfMark(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {1, 1};
  return {mark.line + 1, mark.column + 1};
}

// yaml-cpp's message with a hint in the user's terms for the mistakes people make most.
std::string YamlErrorMessage(const std::string& msg) {
  static const std::map<std::string, std::string> kHints = {
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a '[' list is not closed: expected ']'"},
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "a '{' mapping is not closed: expected '}'"},
      {YAML::ErrorMsg::TAB_IN_INDENTATION, "indent with spaces, not tabs"},
      {YAML::ErrorMsg::MAP_VALUE,
       "unexpected ':': expected one 'key: value' per line; quote values that contain ': '"},
      {YAML::ErrorMsg::END_OF_MAP, "expected the next key at the indentation of its mapping"},
      {YAML::ErrorMsg::END_OF_SEQ, "expected the next '- ' item at the indentation of its list"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "expected an '&anchor' defined before its '*alias'"},
  };
  auto it = kHints.find(msg);
  return "invalid YAML: " + msg + (it == kHints.end() ? "" : " (" + it->second + ")");
}

void ParseSection(const Entry& e, ParseContext& ctx, Project& p) {
  using namespace model_detail;  // NOLINT(google-build-using-namespace): the section parsers
  if (e.key == "name") {
    if (auto name = ctx.reader.String(e.value, e.pos, "", "name")) {
      if (!IsValidName(name->value)) {
        ctx.reader.Error(name->pos, "",
                         "name " + Quote(name->value) + " is not a valid name: " + kValidNameRule);
      }
      p.name = *name;
    }
  } else if (e.key == "warehouse") {
    ParseWarehouse(e, ctx, p.warehouse);
  } else if (e.key == "sources") {
    ParseSources(e, ctx, p.sources);
  } else if (e.key == "identity") {
    ParseIdentity(e, ctx, p.identity);
  } else if (e.key == "traits") {
    ParseTraits(e, ctx, p.traits);
  } else if (e.key == "profiles") {
    ParseProfiles(e, ctx, p.profiles);
  } else if (e.key == "audiences") {
    ParseAudiences(e, ctx, p.audiences);
  } else if (e.key == "destinations") {
    ParseDestinations(e, ctx, p.destinations);
  } else if (e.key == "consent") {
    ParseConsent(e, ctx, p.consent);
  }
}

void ParseRoot(const YAML::Node& root, ParseContext& ctx, Project& p) {
  YamlReader& r = ctx.reader;
  if (root.IsNull()) {
    r.Error({1, 1}, "",
            "the project file is empty: expected a mapping with " + JoinNames(kTopKeys));
    return;
  }
  SourcePos pos = model_detail::PosOf(root);
  if (pos.line == 0) pos = {1, 1};
  auto f = r.Map(root, pos, "", kTopKeys,
                 "a mapping of top-level keys (name, warehouse, sources, identity, ...)");
  if (!f) return;
  r.Require(*f, {"name", "warehouse", "sources", "identity"});
  for (const auto& e : f->entries) ParseSection(e, ctx, p);
  model_detail::CheckReferences(p, r.diags());
}

std::string AbsoluteDir(const std::string& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec);
  return ec ? dir : abs.lexically_normal().string();
}

std::optional<Project> ParseUnguarded(const std::string& text, const std::string& file,
                                      const std::string& dir, Diagnostics& diags) {
  if (text.size() > kMaxProjectBytes) {
    diags.Error({}, "the project file is too large: expected at most " +
                        std::to_string(kMaxProjectBytes >> 20) + " MiB of configuration");
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.Error(PosOfMark(e.mark), YamlErrorMessage(e.msg));
    return std::nullopt;
  }
  Project p;
  p.file = file;
  p.dir = AbsoluteDir(dir);
  YamlReader reader(diags);
  ParseContext ctx{reader, p.dir};
  ParseRoot(root, ctx, p);
  return p;
}

// Reads the whole file into `text`, reporting why it cannot be read.
bool ReadProjectFile(const fs::path& path, std::string& text, Diagnostics& diags) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  const std::string name = Quote(path.string());
  if (!fs::exists(st)) {
    diags.Error({}, "project file " + name +
                        " not found: expected a zcdp.yaml file, or a directory holding one");
    return false;
  }
  if (fs::is_directory(st)) {
    diags.Error({}, "project file " + name + " is a directory: expected a YAML file");
    return false;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > kMaxProjectBytes) {
    diags.Error({}, "project file " + name + " is too large: expected at most " +
                        std::to_string(kMaxProjectBytes >> 20) + " MiB of configuration");
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in || in.bad()) {
    diags.Error({}, "cannot read project file " + name + ": permission denied or I/O error");
    return false;
  }
  text = buf.str();
  return true;
}

}  // namespace

const SourceConfig* Project::FindSource(const std::string& name) const {
  for (const auto& s : sources) {
    if (s.name.value == name) return &s;
  }
  return nullptr;
}

const IdTypeConfig* Project::FindIdType(const std::string& name) const {
  for (const auto& t : identity.id_types) {
    if (t.name.value == name) return &t;
  }
  return nullptr;
}

std::string ResolveProjectPath(const std::string& file_or_dir) {
  if (file_or_dir.empty()) return "zcdp.yaml";
  std::error_code ec;
  if (fs::is_directory(file_or_dir, ec)) return (fs::path(file_or_dir) / "zcdp.yaml").string();
  return file_or_dir;
}

std::optional<Project> ParseProject(const std::string& text, const std::string& file,
                                    const std::string& dir, Diagnostics& diags) {
  // yaml-cpp and the standard library may throw (bad_alloc, conversions); none may escape.
  try {
    return ParseUnguarded(text, file, dir, diags);
  } catch (const std::exception& e) {
    diags.Error({}, std::string("could not read the project file: ") + e.what());
  } catch (...) {
    diags.Error({}, "could not read the project file: unknown error");
  }
  return std::nullopt;
}

std::optional<Project> LoadProject(const std::string& path, Diagnostics& diags) {
  try {
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec) abs = path;
    abs = abs.lexically_normal();
    std::string text;
    if (!ReadProjectFile(abs, text, diags)) return std::nullopt;
    return ParseProject(text, abs.string(), abs.parent_path().string(), diags);
  } catch (const std::exception& e) {
    diags.Error({}, std::string("could not read the project file: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace zcdp
