#include "model/parse_internal.h"
#include "model/suggest.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kDestinationKeys = {"name",   "type",     "url",        "path",
                                                   "format", "audience", "purpose",    "fields",
                                                   "mode",   "secret",   "description"};
const std::vector<std::string> kConsentKeys = {"source", "purpose_column", "granted_column",
                                               "timestamp_column"};

void ReadType(const Fields& f, YamlReader& r, DestinationConfig& d) {
  auto type = r.String(f, "type");
  if (!type) return;
  d.type = *type;
  if (!IsValidName(type->value)) {
    r.Error(type->pos, f.context,
            "type: expected a destination type such as webhook or file, got " + Quote(type->value));
  }
  if (type->value == "webhook" && f.Find("url") == nullptr) {
    r.Error(f.pos, f.context, "missing required key 'url' (a webhook destination posts to it)");
  }
  if (type->value == "file" && f.Find("path") == nullptr) {
    r.Error(f.pos, f.context, "missing required key 'path' (a file destination writes there)");
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

void ParseDestination(const Fields& f, ParseContext& ctx, DestinationConfig& d) {
  YamlReader& r = ctx.reader;
  r.Require(f, {"type", "audience", "purpose"});
  ReadType(f, r, d);
  ReadUrl(f, r, d);
  d.path = r.String(f, "path");
  if (d.path) d.path->value = AbsolutePath(ctx.dir, d.path->value);
  d.format = r.Enum(f, "format", {"csv", "jsonl", "parquet"});
  d.audience = r.String(f, "audience");
  d.purpose = r.String(f, "purpose");
  d.fields = r.StringList(f, "fields", "a list of trait or id type names");
  if (auto mode = r.Enum(f, "mode", {"diff", "full"})) d.mode = *mode;
  d.secret = ParseSecret(f, "secret", r);
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
