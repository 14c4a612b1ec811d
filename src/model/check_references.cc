#include <algorithm>
#include <map>

#include "zcdp/common/suggest.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

template <typename T>
std::vector<std::string> NamesOf(const std::vector<T>& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const auto& item : items) names.push_back(item.name.value);
  return names;
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Context(std::string_view kind, const LocatedString& name) {
  return std::string(kind) + " " + Quote(name.value);
}

void CheckIdentifiers(const Project& p, Diagnostics& d) {
  const auto id_types = NamesOf(p.identity.id_types);
  for (const auto& s : p.sources) {
    for (const auto& id : s.identifiers) {
      if (Contains(id_types, id.id_type.value)) continue;
      d.Error(id.id_type.pos,
              Context("source", s.name) + ": identifiers: id type " + Quote(id.id_type.value) +
                  " is not declared in identity.id_types" + DidYouMean(id.id_type.value, id_types));
    }
  }
}

void CheckTraits(const Project& p, Diagnostics& d) {
  const auto sources = NamesOf(p.sources);
  for (const auto& t : p.traits) {
    const std::string ctx = Context("trait", t.name);
    // A pick's most recent row falls back to the highest row key without a timestamp.
    const bool needs_time = t.window || t.aggregate_function == AggregateFunction::kFirst ||
                            t.aggregate_function == AggregateFunction::kLast;
    if (t.source) {
      const SourceConfig* s = p.FindSource(t.source->value);
      if (s == nullptr) {
        d.Error(t.source->pos, ctx + ": source: unknown source " + Quote(t.source->value) +
                                   DidYouMean(t.source->value, sources));
      } else if (needs_time && !s->timestamp) {
        d.Error(t.window ? t.window->pos : t.pos,
                ctx + (t.window ? ": window: source " : ": source ") + Quote(s->name.value) +
                    " has no 'timestamp' column to " +
                    (t.window ? "measure the window from" : "order its rows by"));
      }
    }
    if (t.source) continue;
    for (const auto& in : t.inputs) {
      const SourceConfig* s = p.FindSource(in.source.value);
      if (s == nullptr) {
        d.Error(in.source.pos, ctx + ": from: unknown source " + Quote(in.source.value) +
                                   DidYouMean(in.source.value, sources));
      } else if (needs_time && !s->timestamp) {
        d.Error(in.source.pos, ctx + ": from: source " + Quote(s->name.value) +
                                   " has no 'timestamp' column to measure the window from");
      }
    }
  }
}

// Whether `name` is one of zcdp's own columns where traits become columns (the profiles
// relation, source rows as the stages read them): profile_id, and anything zcdp_*.
bool IsReservedColumn(const std::string& name) {
  return name == "profile_id" || name.rfind("zcdp_", 0) == 0;
}

// A trait becomes a column of profiles beside profile_id, and a destination's `fields` name
// traits and id types alike: a trait may take neither a reserved name nor an id type's.
void CheckTraitNames(const Project& p, Diagnostics& d) {
  for (const auto& t : p.traits) {
    const std::string ctx = Context("trait", t.name);
    if (IsReservedColumn(t.name.value)) {
      d.Error(t.name.pos, ctx +
                              ": the name is zcdp's own column of profiles (profile_id and "
                              "zcdp_* are reserved): pick another name");
    } else if (p.FindIdType(t.name.value) != nullptr) {
      d.Error(t.name.pos, ctx + ": the name is also an id type, so `fields: [" + t.name.value +
                              "]` would be ambiguous: pick another name for the trait");
    }
  }
}

// The columns a destination's payload or share view has besides its fields.
const std::vector<std::string> kPayloadColumns = {"record_key", "member_key"};

// Each field leaves under its own name, which may not be one of the columns zcdp adds; in a
// share a PII field leaves hashed as <name>_sha256, which may not be another field's name.
// (Two fields under one name are refused where `fields` is read.)
void CheckFieldNames(const DestinationConfig& dest, const std::string& context, Diagnostics& d) {
  std::map<std::string, int> line_of;
  for (const auto& field : dest.fields) line_of.emplace(field.name.value, field.name.pos.line);
  for (const auto& field : dest.fields) {
    const std::string& name = field.name.value;
    if (Contains(kPayloadColumns, name) || IsReservedColumn(name)) {
      d.Error(field.name.pos, context + ": fields: " + Quote(name) +
                                  " is a column zcdp adds to every record: send it under another "
                                  "name (fields: {other_name: " +
                                  field.from.value + "})");
    }
    if (dest.kind != DestinationType::kWarehouseShare) continue;
    auto hashed = line_of.find(name + "_sha256");
    if (hashed != line_of.end()) {
      d.Error(field.name.pos, context + ": fields: " + Quote(name) + " leaves hashed as " +
                                  Quote(hashed->first) +
                                  " when it is PII, the name of another "
                                  "field (line " +
                                  std::to_string(hashed->second) + "): rename one of them");
    }
  }
}

// The identifiers an audience upload may carry, each hashed by the ad platforms' rules.
const std::vector<std::string> kUploadFields = {"email", "phone", "first_name", "last_name"};

void CheckDestinationFields(const Project& p, const DestinationConfig& dest,
                            const std::string& context, Diagnostics& d) {
  std::vector<std::string> fields = NamesOf(p.traits);
  for (const auto& name : NamesOf(p.identity.id_types)) fields.push_back(name);
  std::vector<std::string> seen;
  for (const FieldMapping& field : dest.fields) {
    if (Contains(seen, field.name.value)) {
      d.Error(field.name.pos,
              context + ": fields: " + Quote(field.name.value) + " is mapped twice");
    }
    seen.push_back(field.name.value);
    if (dest.model) {  // a column of the model, checked against the warehouse by the sync
      if (!IsValidName(field.from.value)) {
        d.Error(field.from.pos,
                context + ": fields: expected a column of model " + Quote(dest.model->value) +
                    " (letters, digits, underscores), got " + Quote(field.from.value));
      }
    } else if (!Contains(fields, field.from.value)) {
      d.Error(field.from.pos, context + ": fields: " + Quote(field.from.value) +
                                  " is neither a trait nor an id type" +
                                  DidYouMean(field.from.value, fields));
    }
    if (dest.kind == DestinationType::kAudienceUpload &&
        !Contains(kUploadFields, field.name.value)) {
      d.Error(field.name.pos,
              context + ": fields: an audience upload sends only hashed identifiers named " +
                  "email, phone, first_name or last_name, got " + Quote(field.name.value));
    }
  }
  if (dest.kind == DestinationType::kAudienceUpload && dest.fields.empty()) {
    d.Error(dest.pos, context + ": an audience upload needs at least one identifier in 'fields'");
  }
}

// A webhook or a file sends its fields as they are: each field that carries PII must be
// hashed (`{from: X, hash: sha256}`) or listed in `clear_pii`. A share hashes PII fields
// itself unless they are listed; an audience upload sends only its own hashes.
void CheckPiiExposure(const Project& p, const DestinationConfig& dest, const std::string& context,
                      Diagnostics& d) {
  std::vector<std::string> names;
  for (const FieldMapping& f : dest.fields) names.push_back(f.name.value);
  for (const LocatedString& c : dest.clear_pii) {
    if (!Contains(names, c.value)) {
      d.Error(c.pos, context + ": clear_pii: " + Quote(c.value) + " is not one of its fields" +
                         DidYouMean(c.value, names));
    }
  }
  for (const FieldMapping& f : dest.fields) {
    if (f.hash && dest.kind == DestinationType::kAudienceUpload) {
      d.Error(f.hash->pos, context + ": fields: " + Quote(f.name.value) +
                               ": an audience upload hashes every identifier itself, by the "
                               "ad platforms' rules; map it without 'hash'");
    }
    if (f.hash && dest.SendsInClear(f.name.value)) {
      d.Error(f.hash->pos, context + ": fields: " + Quote(f.name.value) +
                               " is hashed and also listed in clear_pii: give one of them");
    }
    const bool sends_as_is =
        dest.kind == DestinationType::kWebhook || dest.kind == DestinationType::kFile;
    if (!sends_as_is || dest.model || f.hash || dest.SendsInClear(f.name.value)) continue;
    const std::string origin = PiiOrigin(p, f.from.value);
    if (origin.empty()) continue;
    d.Error(f.from.pos,
            context + ": fields: " + Quote(f.name.value) + " would send " + Quote(f.from.value) +
                " in clear text, and it carries PII (" + origin + "): hash it (" + f.name.value +
                ": {from: " + f.from.value +
                ", hash: sha256}), or list it in clear_pii if this destination may receive it");
  }
}

void CheckDestinations(const Project& p, Diagnostics& d) {
  const auto audiences = NamesOf(p.audiences);
  for (const auto& dest : p.destinations) {
    const std::string context = Context("destination", dest.name);
    if (dest.audience && !Contains(audiences, dest.audience->value)) {
      d.Error(dest.audience->pos, context + ": audience: unknown audience " +
                                      Quote(dest.audience->value) +
                                      DidYouMean(dest.audience->value, audiences));
    }
    if (dest.model && dest.kind == DestinationType::kWarehouseShare) {
      d.Error(dest.model->pos,
              context +
                  ": model: a share exposes its fields to a partner, and zcdp cannot tell "
                  "which columns of a model are PII to hash them; share an audience "
                  "instead");
    }
    CheckDestinationFields(p, dest, context, d);
    CheckFieldNames(dest, context, d);
    CheckPiiExposure(p, dest, context, d);
    if (dest.purpose && !p.consent) {
      d.Error(dest.purpose->pos,
              context + ": purpose " + Quote(dest.purpose->value) +
                  ": no profile may be sent without consent, and the project declares no "
                  "'consent' source to read it from");
    }
    if (dest.schema && (dest.schema->value == p.warehouse.output_schema ||
                        std::any_of(p.sources.begin(), p.sources.end(), [&](const auto& s) {
                          return s.table_schema == dest.schema->value;
                        }))) {
      d.Error(dest.schema->pos, context + ": schema: " + Quote(dest.schema->value) +
                                    " holds other tables; a share needs a schema of its own");
    }
  }
}

void CheckConsent(const Project& p, Diagnostics& d) {
  if (!p.consent || p.consent->source.value.empty()) return;
  const auto& source = p.consent->source;
  if (p.FindSource(source.value) != nullptr) return;
  d.Error(source.pos, "consent: source: unknown source " + Quote(source.value) +
                          DidYouMean(source.value, NamesOf(p.sources)) +
                          "; declare the consent table under 'sources'");
}

}  // namespace

void CheckReferences(const Project& project, Diagnostics& diags) {
  CheckIdentifiers(project, diags);
  CheckTraits(project, diags);
  CheckTraitNames(project, diags);
  CheckDestinations(project, diags);
  CheckConsent(project, diags);
  CheckCollect(project, diags);
}

}  // namespace zcdp::model_detail
