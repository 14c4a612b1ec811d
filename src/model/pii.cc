#include <algorithm>

#include "zcdp/model/project.h"

namespace zcdp {
namespace {

bool IsPiiColumn(const SourceConfig& source, const std::string& column) {
  return std::any_of(source.pii.begin(), source.pii.end(),
                     [&](const LocatedString& c) { return c.value == column; });
}

}  // namespace

bool IsPiiField(const Project& project, const std::string& from) {
  for (const SourceConfig& s : project.sources) {
    for (const IdentifierMapping& m : s.identifiers) {
      if (m.id_type.value == from && IsPiiColumn(s, m.column.value)) return true;
    }
  }
  for (const TraitConfig& t : project.traits) {
    if (t.name.value != from) continue;
    for (const TraitConfig::Input& in : t.inputs) {
      const SourceConfig* s = project.FindSource(in.source.value);
      if (s != nullptr && IsPiiColumn(*s, in.column.value)) return true;
    }
  }
  return false;
}

}  // namespace zcdp
