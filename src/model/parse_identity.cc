#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kIdentityKeys = {"id_types", "blocklist", "strategy",
                                                "incremental_overlap"};
const std::vector<std::string> kIdTypeKeys = {
    "priority", "max_per_profile", "normalize", "default_region", "regex", "quarantine_threshold"};

bool IsRegionCode(const std::string& s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

void ReadIdTypeSettings(const Fields& f, YamlReader& r, IdTypeConfig& t) {
  if (auto p = r.PositiveInt(f, "priority")) t.priority = static_cast<int>(p->value);
  if (auto m = r.PositiveInt(f, "max_per_profile")) {
    t.max_per_profile = static_cast<int>(m->value);
  }
  if (auto q = r.PositiveInt(f, "quarantine_threshold", INT64_MAX)) {
    t.quarantine_threshold = q->value;
  }
  t.normalize = r.Enum(f, "normalize", {"email", "phone_e164", "lower", "trim", "none"});
  t.default_region = r.String(f, "default_region");
  if (t.default_region && !IsRegionCode(t.default_region->value)) {
    r.Error(t.default_region->pos, f.context,
            "default_region: expected a two-letter ISO 3166 region code such as FR, got " +
                Quote(t.default_region->value));
  }
  t.regex = r.String(f, "regex");
  if (t.regex) CheckRegex(*t.regex, f.context, "regex", r);
}

void ReadIdType(const Entry& e, YamlReader& r, IdTypeConfig& t) {
  t.name = {e.key, e.key_pos};
  t.pos = e.key_pos;
  const std::string context = "id type " + Quote(e.key);
  if (!IsValidName(e.key)) {
    r.Error(e.key_pos, context, "not a valid id type name: " + std::string(kValidNameRule));
  }
  if (e.value.IsNull()) return;  // `cookie:` alone takes every default
  auto f = r.Map(e.value, e.pos, context, kIdTypeKeys, "a mapping of id type settings");
  if (f) ReadIdTypeSettings(*f, r, t);
}

void ReadIdTypes(const Fields& f, YamlReader& r, IdentityConfig& out) {
  const Entry* e = f.Find("id_types");
  if (e == nullptr) return;
  auto map = r.OpenMap(e->value, e->pos, "identity: id_types",
                       "a mapping of id type name to its settings");
  if (!map) return;
  for (const auto& entry : map->entries) {
    IdTypeConfig t;
    ReadIdType(entry, r, t);
    out.id_types.push_back(std::move(t));
  }
}

}  // namespace

void ParseIdentity(const Entry& e, ParseContext& ctx, IdentityConfig& out) {
  YamlReader& r = ctx.reader;
  auto f = r.Map(e.value, e.pos, "identity", kIdentityKeys, "a mapping of identity settings");
  if (!f) return;
  out.pos = f->pos;
  r.Require(*f, {"id_types"});
  ReadIdTypes(*f, r, out);
  out.blocklist = r.StringList(*f, "blocklist", "a list of regular expressions");
  for (const auto& pattern : out.blocklist) CheckRegex(pattern, f->context, "blocklist", r);
  if (auto s = r.Enum(*f, "strategy", {"native", "sql", "auto"})) {
    out.strategy = *s;
    out.strategy_kind = s->value == "native" ? IdentityStrategy::kNative
                        : s->value == "sql"  ? IdentityStrategy::kSql
                                             : IdentityStrategy::kAuto;
  }
  if (auto o = r.String(*f, "incremental_overlap")) {
    if (!ParseDuration(o->value).ok()) {
      r.Error(o->pos, f->context,
              "incremental_overlap: expected a duration such as 1d or 12h, got " + Quote(o->value));
    }
    out.incremental_overlap = *o;
    r.diags().Warning(o->pos, f->context +
                                  ": incremental_overlap is no longer used: every run "
                                  "compares each source's rows by key and content, "
                                  "late rows included; remove it");
  }
}

}  // namespace zcdp::model_detail
