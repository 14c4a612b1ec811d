#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kDestinationKeys = {
    "name",    "type",   "url",  "path",       "format",     "schema",  "audience", "model",
    "purpose", "fields", "mode", "batch_size", "rate_limit", "timeout", "secret",   "description"};
const std::vector<std::string> kConsentKeys = {"source", "purpose_column", "granted_column",
                                               "timestamp_column"};

// The key each type cannot do without, and what it is for.
struct RequiredKey {
  const char* type;
  const char* key;
  const char* why;
};
constexpr RequiredKey kRequiredKeys[] = {
    {"webhook", "url", "a webhook destination posts to it"},
    {"audience_upload", "url", "an audience upload posts to it"},
    {"file", "path", "a file destination writes there"},
    {"file", "format", "csv, jsonl or parquet"},
    {"warehouse_share", "schema", "the schema a partner is granted"},
};

void ReadType(const Fields& f, YamlReader& r, DestinationConfig& d) {
  std::vector<std::string> types(std::begin(kDestinationTypes), std::end(kDestinationTypes));
  auto type = r.Enum(f, "type", types);
  if (!type) return;
  d.type = *type;
  for (const RequiredKey& k : kRequiredKeys) {
    if (type->value == k.type && f.Find(k.key) == nullptr) {
      r.Error(f.pos, f.context,
              std::string("missing required key '") + k.key + "' (" + k.why + ")");
    }
  }
}

void ReadUrl(const Fields& f, YamlReader& r, DestinationConfig& d) {
  d.url = r.String(f, "url");
  if (!d.url) return;
  const std::string& u = d.url->value;
  if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) {
    r.Error(d.url->pos, f.context, "url: expected an http:// or https:// URL, got " + Quote(u));
  }
}

// `fields: [email, first_name]` (each sent under its own name) or
// `fields: {email: email, ltv: lifetime_value}` (payload name: trait or id type).
void ReadFields(const Fields& f, YamlReader& r, DestinationConfig& d) {
  const Entry* e = f.Find("fields");
  if (e == nullptr) return;
  if (e->value.IsMap()) {
    auto map = r.OpenMap(e->value, e->pos, f.context + ": fields",
                         "a mapping of payload field names to traits or id types");
    if (!map) return;
    for (const Entry& m : map->entries) {
      if (!IsValidName(m.key)) {
        r.Error(m.key_pos, map->context,
                "expected a field name (letters, digits, underscores), got " + Quote(m.key));
      }
      auto from = r.String(m.value, m.pos, map->context, m.key);
      if (from) d.fields.push_back({{m.key, m.key_pos}, *from});
    }
    return;
  }
  for (const LocatedString& name :
       r.StringList(f, "fields", "a list of trait or id type names, or a mapping")) {
    d.fields.push_back({name, name});
  }
}

// Where the records come from: `audience: NAME` or `model: schema.name`, exactly one.
void ReadRecords(const Fields& f, YamlReader& r, DestinationConfig& d) {
  d.audience = r.String(f, "audience");
  d.model = r.String(f, "model");
  if (d.audience && d.model) {
    r.Error(d.model->pos, f.context,
            "audience and model: give one of them (the records of a destination come from "
            "an audience's members or from a model)");
  } else if (!d.audience && !d.model) {
    r.Error(f.pos, f.context,
            "missing required key 'audience' (or 'model': a table or view with one row per "
            "profile)");
  }
  if (!d.model) return;
  const std::string& m = d.model->value;
  const size_t dot = m.find('.');
  if (dot == std::string::npos || !IsValidName(m.substr(0, dot)) ||
      !IsValidName(m.substr(dot + 1))) {
    r.Error(d.model->pos, f.context,
            "model: expected a table or view as schema.name (letters, digits, underscores), "
            "got " +
                Quote(m));
  }
}

void ParseDestination(const Fields& f, ParseContext& ctx, DestinationConfig& d) {
  YamlReader& r = ctx.reader;
  r.Require(f, {"type", "purpose"});
  ReadType(f, r, d);
  ReadUrl(f, r, d);
  d.path = r.String(f, "path");
  if (d.path) d.path->value = AbsolutePath(ctx.dir, d.path->value);
  d.format = r.Enum(f, "format", {"csv", "jsonl", "parquet"});
  d.schema = r.String(f, "schema");
  if (d.schema && !IsValidName(d.schema->value)) {
    r.Error(d.schema->pos, f.context,
            "schema: expected a schema name (letters, digits, underscores), got " +
                Quote(d.schema->value));
  }
  ReadRecords(f, r, d);
  d.purpose = r.String(f, "purpose");
  ReadFields(f, r, d);
  if (auto mode = r.Enum(f, "mode", {"diff", "mirror", "full"})) d.mode = *mode;
  if (auto n = r.PositiveInt(f, "batch_size", 100000)) d.batch_size = n->value;
  if (auto n = r.PositiveInt(f, "rate_limit", 10000000)) d.rate_limit = n->value;
  d.timeout = r.String(f, "timeout");
  if (d.timeout && !ParseDuration(d.timeout->value).ok()) {
    r.Error(d.timeout->pos, f.context,
            "timeout: expected a duration such as 30s or 2m, got " + Quote(d.timeout->value));
  }
  d.secret = ParseSecret(f, "secret", r);
  d.description = r.String(f, "description");
}

}  // namespace

void ParseDestinations(const Entry& e, ParseContext& ctx, std::vector<DestinationConfig>& out) {
  ParseNamedList(e, ctx, "destination", kDestinationKeys, out,
                 [&](const Fields& f, DestinationConfig& d) { ParseDestination(f, ctx, d); });
}

void ParseConsent(const Entry& e, ParseContext& ctx, std::optional<ConsentConfig>& out) {
  YamlReader& r = ctx.reader;
  auto f = r.Map(e.value, e.pos, "consent", kConsentKeys, "a mapping of consent settings");
  if (!f) return;
  ConsentConfig c;
  c.pos = f->pos;
  r.Require(*f, {"source", "purpose_column", "granted_column"});
  if (auto s = r.String(*f, "source")) c.source = *s;
  if (auto s = r.String(*f, "purpose_column")) c.purpose_column = *s;
  if (auto s = r.String(*f, "granted_column")) c.granted_column = *s;
  c.timestamp_column = r.String(*f, "timestamp_column");
  out = std::move(c);
}

}  // namespace zcdp::model_detail
