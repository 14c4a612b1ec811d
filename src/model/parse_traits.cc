#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

#include "model/parse_internal.h"

namespace zcdp::model_detail {
namespace {

const std::vector<std::string> kTraitKeys = {"name",  "source",      "aggregate", "window",
                                             "where", "pick",        "column",    "sql",
                                             "from",  "description", "pii"};
const std::vector<std::string> kAudienceKeys = {"name", "where", "description"};
const std::vector<std::string> kAggregates = {
    "count", "sum", "avg", "min", "max", "first", "last", "count_distinct", "most_frequent"};
const std::vector<std::string> kTraitKinds = {"aggregate", "pick", "sql"};

constexpr const char* kAggregateForms =
    "expected count, count(col), sum(col), avg(col), min(col), max(col), first(col), "
    "last(col), count_distinct(col) or most_frequent(col)";

// Splits "fn" or "fn(arg)"; false when the text has neither form.
bool SplitCall(const std::string& text, std::string& fn, std::string& arg) {
  const size_t open = text.find('(');
  if (open == std::string::npos) {
    fn = text;
    arg.clear();
    return IsValidName(fn);
  }
  if (text.back() != ')') return false;
  fn = text.substr(0, open);
  arg = text.substr(open + 1, text.size() - open - 2);
  const auto first = arg.find_first_not_of(' ');
  const auto last = arg.find_last_not_of(' ');
  arg = first == std::string::npos ? "" : arg.substr(first, last - first + 1);
  return IsValidName(fn) && !arg.empty() && arg.find_first_of("(),") == std::string::npos;
}

void ReadAggregate(const Fields& f, YamlReader& r, TraitConfig& t) {
  t.aggregate = r.String(f, "aggregate");
  if (!t.aggregate) return;
  std::string fn, arg;
  const bool form_ok = SplitCall(t.aggregate->value, fn, arg);
  const bool known = std::find(kAggregates.begin(), kAggregates.end(), fn) != kAggregates.end();
  if (!form_ok || !known) {
    r.Error(t.aggregate->pos, f.context,
            "aggregate: " + std::string(kAggregateForms) + ", got " + Quote(t.aggregate->value) +
                (form_ok ? DidYouMean(fn, kAggregates) : ""));
    return;
  }
  t.aggregate_function = *AggregateFunctionNamed(fn);  // `known` above
  if (!arg.empty()) t.input_column = LocatedString{arg, t.aggregate->pos};
  if (!t.input_column) t.input_column = t.column;
  if (fn != "count" && !t.input_column) {
    r.Error(t.aggregate->pos, f.context,
            "aggregate: " + fn + " needs a column: write " + fn + "(column) or add 'column'");
  }
}

void ReadWindow(const Fields& f, YamlReader& r, TraitConfig& t) {
  t.window = r.String(f, "window");
  if (t.window && !ParseDuration(t.window->value).ok()) {
    r.Error(t.window->pos, f.context,
            "window: expected a duration such as 30d, 12h, 6mo, 2w or 1y, got " +
                Quote(t.window->value));
  }
}

// Exactly one of aggregate, pick and sql says how the trait is computed.
void CheckTraitKind(const Fields& f, YamlReader& r) {
  const Entry* first = nullptr;
  for (const auto& e : f.entries) {
    if (std::find(kTraitKinds.begin(), kTraitKinds.end(), e.key) == kTraitKinds.end()) continue;
    if (first != nullptr) {
      r.Error(e.key_pos, f.context,
              Quote(e.key) + " cannot be combined with " + Quote(first->key) +
                  ": a trait is computed by exactly one of 'aggregate', 'pick' or 'sql'");
    } else {
      first = &e;
    }
  }
  if (first == nullptr) {
    r.Error(f.pos, f.context, "expected one of 'aggregate', 'pick' or 'sql'");
  }
}

// `from: [orders.customer_email, customers.email]`: the sources a pick reads, in priority
// order. Each entry is "source.column".
void ReadFrom(const Fields& f, YamlReader& r, TraitConfig& t) {
  t.from = r.StringList(f, "from", "a list of source.column entries, highest priority first");
  if (f.Find("from") == nullptr) return;
  if (!t.pick) {
    r.Error(f.Find("from")->key_pos, f.context,
            "'from' lists the sources of a pick; use 'source' for an aggregate or sql trait");
  }
  for (const char* other : {"source", "where", "window"}) {
    if (f.Find(other) == nullptr) continue;
    r.Error(f.Find("from")->key_pos, f.context,
            std::string("'from' cannot be combined with '") + other +
                "': a pick over several sources reads all their rows");
  }
  for (const auto& entry : t.from) {
    const size_t dot = entry.value.find('.');
    const std::string src = dot == std::string::npos ? "" : entry.value.substr(0, dot);
    const std::string col = dot == std::string::npos ? "" : entry.value.substr(dot + 1);
    if (!IsValidName(src) || col.empty()) {
      r.Error(
          entry.pos, f.context,
          "from: expected source.column such as orders.customer_email, got " + Quote(entry.value));
      continue;
    }
    t.inputs.push_back({LocatedString{src, entry.pos}, LocatedString{col, entry.pos}});
  }
}

void ParseTrait(const Fields& f, YamlReader& r, TraitConfig& t) {
  CheckTraitKind(f, r);
  if (f.Find("sql") == nullptr && f.Find("from") == nullptr) r.Require(f, {"source"});
  t.source = r.String(f, "source");
  t.column = r.String(f, "column");
  ReadAggregate(f, r, t);
  ReadWindow(f, r, t);
  t.pick = r.Enum(f, "pick", {"most_recent", "most_frequent", "source_priority"});
  if (t.pick && (t.column || !t.name.value.empty())) {
    t.input_column = t.column ? *t.column : t.name;
  }
  t.where = r.String(f, "where");
  t.sql = r.String(f, "sql");
  if (auto pii = r.Enum(f, "pii", {"true", "false"})) t.pii = pii->value == "true";
  ReadFrom(f, r, t);
  if (t.source && t.input_column && !t.sql) t.inputs.push_back({*t.source, *t.input_column});
}

}  // namespace

void ParseTraits(const Entry& e, ParseContext& ctx, std::vector<TraitConfig>& out) {
  ParseNamedList(e, ctx, "trait", kTraitKeys, out,
                 [&](const Fields& f, TraitConfig& t) { ParseTrait(f, ctx.reader, t); });
}

void ParseProfiles(const Entry& e, ParseContext& ctx, ProfilesConfig& out) {
  YamlReader& r = ctx.reader;
  auto f =
      r.Map(e.value, e.pos, "profiles", {"materialize"}, "a mapping such as {materialize: true}");
  if (!f) return;
  out.pos = f->pos;
  if (auto m = r.Enum(*f, "materialize", {"true", "false"})) out.materialize = m->value == "true";
}

void ParseAudiences(const Entry& e, ParseContext& ctx, std::vector<AudienceConfig>& out) {
  YamlReader& r = ctx.reader;
  ParseNamedList(e, ctx, "audience", kAudienceKeys, out, [&](const Fields& f, AudienceConfig& a) {
    r.Require(f, {"where"});
    if (auto where = r.String(f, "where")) a.where = *where;
    a.description = r.String(f, "description");
  });
}

}  // namespace zcdp::model_detail
