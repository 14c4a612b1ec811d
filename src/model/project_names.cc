#include <cctype>
#include <set>
#include <string>

#include "zcdp/model/project.h"

namespace zcdp {
namespace {

// Adds `text` and, for a dotted name, each of its parts.
void AddName(std::set<std::string>& names, const std::string& text) {
  if (text.empty()) return;
  names.insert(text);
  for (size_t start = 0, dot = 0; dot != std::string::npos; start = dot + 1) {
    dot = text.find('.', start);
    names.insert(text.substr(start, dot == std::string::npos ? dot : dot - start));
  }
}

void AddName(std::set<std::string>& names, const std::optional<LocatedString>& text) {
  if (text) AddName(names, text->value);
}

// The words of an expression the project file writes (an audience's `where`, a trait's
// `sql`): each run of letters, digits and '_', and each quoted literal's text. They are the
// project's, not a customer's, and zcdp's messages about the expression quote them.
void AddWords(std::set<std::string>& names, const std::string& text) {
  std::string word;
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') {
      word += c;
      continue;
    }
    if (!word.empty()) names.insert(word);
    word.clear();
    if (c != '\'' && c != '"') continue;
    const size_t close = text.find(c, i + 1);
    if (close == std::string::npos) break;
    names.insert(text.substr(i + 1, close - i - 1));
    i = close;
  }
}

void AddWords(std::set<std::string>& names, const std::optional<LocatedString>& text) {
  if (text) AddWords(names, text->value);
}

void AddSource(std::set<std::string>& names, const SourceConfig& s) {
  AddName(names, s.name.value);
  AddName(names, SourceViewName(s));
  AddName(names, s.table.value);
  for (const auto& id : s.identifiers) {
    AddName(names, id.id_type.value);
    AddName(names, id.column.value);
  }
  for (const auto* list : {&s.attributes, &s.pii}) {
    for (const auto& c : *list) AddName(names, c.value);
  }
  AddName(names, s.timestamp);
  AddName(names, s.event_name);
  AddName(names, s.primary_key);
}

void AddTrait(std::set<std::string>& names, const TraitConfig& t) {
  AddName(names, t.name.value);
  AddName(names, t.source);
  AddName(names, t.column);
  AddName(names, t.input_column);
  for (const auto& f : t.from) AddName(names, f.value);
  for (const auto* e : {&t.sql, &t.where, &t.aggregate}) AddWords(names, *e);
}

void AddDestination(std::set<std::string>& names, const DestinationConfig& d) {
  AddName(names, d.name.value);
  AddName(names, d.type.value);
  for (const auto* o : {&d.audience, &d.model, &d.purpose, &d.schema, &d.format, &d.path}) {
    AddName(names, *o);
  }
  for (const auto& f : d.fields) {
    AddName(names, f.name.value);
    AddName(names, f.from.value);
  }
}

}  // namespace

std::set<std::string> ProjectNames(const Project& project) {
  std::set<std::string> names;
  AddName(names, project.name.value);
  AddName(names, project.warehouse.output_schema);
  for (const auto& s : project.sources) AddSource(names, s);
  for (const auto& id : project.identity.id_types) AddName(names, id.name.value);
  for (const auto& t : project.traits) AddTrait(names, t);
  for (const auto& a : project.audiences) {
    AddName(names, a.name.value);
    AddWords(names, a.where.value);
  }
  for (const auto& d : project.destinations) AddDestination(names, d);
  if (project.consent) {
    const ConsentConfig& c = *project.consent;
    for (const auto* n : {&c.source, &c.purpose_column, &c.granted_column}) {
      AddName(names, n->value);
    }
    AddName(names, c.timestamp_column);
  }
  return names;
}

}  // namespace zcdp
