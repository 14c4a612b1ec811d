#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <string_view>

#include "zcdp/common/suggest.h"
#include "zcdp/model/project.h"

namespace zcdp {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsPiiColumn(const SourceConfig& source, const std::string& column) {
  return std::any_of(source.pii.begin(), source.pii.end(),
                     [&](const LocatedString& c) { return Lower(c.value) == Lower(column); });
}

// What an SQL expression may read: the names it mentions (lower-cased, quoted identifiers
// unquoted, string literals skipped), and whether it reads columns without naming them.
struct SqlNames {
  std::set<std::string> names;
  bool unnamed_columns = false;  // `*` other than count(*), or COLUMNS(...)
};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Skips a quoted run starting at text[i] (the quote), returning its content and advancing i.
std::string Quoted(std::string_view text, size_t& i) {
  const char quote = text[i++];
  std::string out;
  while (i < text.size()) {
    if (text[i] == quote && i + 1 < text.size() && text[i + 1] == quote) {
      out += quote;
      i += 2;
    } else if (text[i] == quote) {
      ++i;
      break;
    } else {
      out += text[i++];
    }
  }
  return out;
}

SqlNames NamesIn(std::string_view sql) {
  SqlNames out;
  std::string previous;  // the name just before, to recognise a call
  std::string call;      // the name before the last '(', to recognise count(*)
  for (size_t i = 0; i < sql.size();) {
    const char c = sql[i];
    if (c == '\'') {
      Quoted(sql, i);
    } else if (c == '"') {
      out.names.insert(Lower(Quoted(sql, i)));
    } else if (IsNameChar(c)) {
      size_t end = i;
      while (end < sql.size() && IsNameChar(sql[end])) ++end;
      previous = Lower(sql.substr(i, end - i));
      out.names.insert(previous);
      i = end;
    } else if (c == '*') {
      const size_t open = sql.find_last_not_of(" \t\r\n", i == 0 ? 0 : i - 1);
      const bool count_star = open != std::string_view::npos && sql[open] == '(' && call == "count";
      out.unnamed_columns = out.unnamed_columns || !count_star;
      ++i;
    } else {
      if (c == '(') call = previous;
      if (c == '(' && previous == "columns") out.unnamed_columns = true;
      if (!std::isspace(static_cast<unsigned char>(c))) previous.clear();
      ++i;
    }
  }
  return out;
}

std::string PiiTrait(const Project& project, const TraitConfig& t, int depth);

std::string ColumnOf(const SourceConfig& s, const std::string& column) {
  return "column " + Quote(column) + " of source " + Quote(s.name.value);
}

// An `sql` trait: over its source's rows, or (without a source) over the other traits.
std::string PiiSql(const Project& project, const TraitConfig& t, int depth) {
  const SqlNames read = NamesIn(t.sql->value);
  if (t.source) {
    const SourceConfig* s = project.FindSource(t.source->value);
    if (s == nullptr || s->pii.empty()) return "";
    if (read.unnamed_columns) {
      return "the PII columns of source " + Quote(s->name.value) + " (its sql reads columns " +
             "it does not name)";
    }
    for (const LocatedString& c : s->pii) {
      if (read.names.count(Lower(c.value)) != 0) return ColumnOf(*s, c.value);
    }
    return "";
  }
  for (const TraitConfig& other : project.traits) {
    if (&other == &t || read.names.count(Lower(other.name.value)) == 0) continue;
    const std::string origin = PiiTrait(project, other, depth + 1);
    if (!origin.empty()) return "trait " + Quote(other.name.value) + ", from " + origin;
  }
  return "";
}

std::string PiiTrait(const Project& project, const TraitConfig& t, int depth) {
  if (t.pii) return *t.pii ? "trait " + Quote(t.name.value) + " (pii: true)" : "";
  if (depth > 32) return "a chain of sql traits too deep to follow";  // or a cycle
  if (t.sql) return PiiSql(project, t, depth);
  for (const TraitConfig::Input& in : t.inputs) {
    const SourceConfig* s = project.FindSource(in.source.value);
    if (s != nullptr && IsPiiColumn(*s, in.column.value)) return ColumnOf(*s, in.column.value);
  }
  return "";
}

}  // namespace

std::string PiiOrigin(const Project& project, const std::string& from) {
  for (const SourceConfig& s : project.sources) {
    for (const IdentifierMapping& m : s.identifiers) {
      if (m.id_type.value == from && IsPiiColumn(s, m.column.value)) {
        return ColumnOf(s, m.column.value);
      }
    }
  }
  for (const TraitConfig& t : project.traits) {
    if (t.name.value == from) return PiiTrait(project, t, 0);
  }
  return "";
}

bool IsPiiField(const Project& project, const std::string& from) {
  return !PiiOrigin(project, from).empty();
}

}  // namespace zcdp
