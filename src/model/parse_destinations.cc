#include <algorithm>

#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kDestinationKeys = {
    "name",       "type",    "url",     "path",        "format",   "schema",
    "audience",   "model",   "purpose", "fields",      "mode",     "batch_size",
    "rate_limit", "timeout", "secret",  "description", "clear_pii"};
const std::vector<std::string> kConsentKeys = {"source", "purpose_column", "granted_column",
                                               "timestamp_column"};

// What every destination may say, whatever its type.
const std::vector<std::string> kCommonKeys = {
    "name", "type", "audience", "model", "purpose", "fields", "mode", "batch_size", "description"};

// One destination type's own config block: the keys it takes beyond kCommonKeys, and those
// it cannot do without (with what they are for). A type validates only its own block, so a
// key of another type is an error rather than silently ignored.
struct TypeSpec {
  DestinationType kind;
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::string>> required;  // key, why
};

const std::vector<TypeSpec>& TypeSpecs() {
  static const auto* specs = new std::vector<TypeSpec>{
      {DestinationType::kWebhook,
       {"url", "secret", "timeout", "rate_limit", "clear_pii"},
       {{"url", "a webhook destination posts to it"}}},
      {DestinationType::kFile,
       {"path", "format", "clear_pii"},
       {{"path", "a file destination writes there"}, {"format", "csv, jsonl or parquet"}}},
      {DestinationType::kAudienceUpload,
       {"url", "secret", "timeout", "rate_limit"},
       {{"url", "an audience upload posts to it"}}},
      {DestinationType::kWarehouseShare,
       {"schema", "clear_pii"},
       {{"schema", "the schema a partner is granted"}}},
  };
  return *specs;
}

// Keys of the block that neither every destination nor this type takes.
void CheckTypeKeys(const Fields& f, YamlReader& r, const TypeSpec& spec, const std::string& type) {
  for (const Entry& e : f.entries) {
    const auto has = [&](const std::vector<std::string>& keys) {
      return std::find(keys.begin(), keys.end(), e.key) != keys.end();
    };
    if (has(kCommonKeys) || has(spec.keys) || !has(kDestinationKeys)) continue;
    r.Error(e.key_pos, f.context,
            Quote(e.key) + " is not a key of a " + type + " destination (a " + type +
                " destination takes " + JoinNames(spec.keys) + ")");
  }
}

void ReadType(const Fields& f, YamlReader& r, DestinationConfig& d) {
  std::vector<std::string> types(std::begin(kDestinationTypes), std::end(kDestinationTypes));
  auto type = r.Enum(f, "type", types);
  if (!type) return;
  d.type = *type;
  for (const TypeSpec& spec : TypeSpecs()) {
    if (DestinationTypeName(spec.kind) != type->value) continue;
    d.kind = spec.kind;
    for (const auto& [key, why] : spec.required) {
      if (f.Find(key) == nullptr) {
        r.Error(f.pos, f.context, "missing required key '" + key + "' (" + why + ")");
      }
    }
    CheckTypeKeys(f, r, spec, type->value);
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

// `name: {from: X, hash: sha256}`: a field that leaves hashed.
void ReadHashedField(const Entry& m, const Fields& map, YamlReader& r, DestinationConfig& d) {
  auto f = r.Map(m.value, m.pos, map.context + ": " + m.key, {"from", "hash"},
                 "a trait or id type, or {from: NAME, hash: sha256}");
  if (!f || !r.Require(*f, {"from", "hash"})) return;
  auto from = r.String(*f, "from");
  auto hash = r.Enum(*f, "hash", {"sha256"});
  if (from && hash) d.fields.push_back({{m.key, m.key_pos}, *from, *hash});
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
      if (m.value.IsMap()) {
        ReadHashedField(m, *map, r, d);
        continue;
      }
      auto from = r.String(m.value, m.pos, map->context, m.key);
      if (from) d.fields.push_back({{m.key, m.key_pos}, *from, std::nullopt});
    }
    return;
  }
  for (const LocatedString& name :
       r.StringList(f, "fields", "a list of trait or id type names, or a mapping")) {
    d.fields.push_back({name, name, std::nullopt});
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
  d.clear_pii = r.StringList(f, "clear_pii", "a list of the fields that may carry PII in clear");
  if (auto mode = r.Enum(f, "mode", {"diff", "mirror", "full"})) {
    d.mode = *mode;
    d.sync_mode = mode->value == "mirror" ? SyncMode::kMirror
                  : mode->value == "full" ? SyncMode::kFull
                                          : SyncMode::kDiff;
  }
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
