#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "zcdp/common/clock.h"
#include "zcdp/common/suggest.h"
#include "zcdp/expr/bound.h"
#include "zcdp/expr/check.h"

namespace zcdp::expr {
namespace {

std::string_view LiteralKindName(LiteralKind kind) {
  switch (kind) {
    case LiteralKind::kNumber:
      return "a number";
    case LiteralKind::kString:
      return "a string";
    case LiteralKind::kBool:
      return "a boolean";
    case LiteralKind::kDate:
      return "a date";
    case LiteralKind::kDuration:
      return "a duration";
  }
  return "a literal";
}

bool Fits(ValueType type, LiteralKind kind) {
  if (kind == LiteralKind::kDuration) return false;  // durations belong in windows
  switch (type) {
    case ValueType::kAny:
      return true;
    case ValueType::kNumber:
      return kind == LiteralKind::kNumber;
    case ValueType::kText:
      return kind == LiteralKind::kString;
    case ValueType::kTime:
      return kind == LiteralKind::kDate;
    case ValueType::kBool:
      return kind == LiteralKind::kBool;
  }
  return false;
}

template <typename Map>
std::vector<std::string> Keys(const Map& m) {
  std::vector<std::string> out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(k);
  return out;
}

// The literal's value, decoded from the parser's validated canonical text.
BoundLiteral BindLiteral(const Literal& lit) {
  BoundLiteral out;
  out.kind = lit.kind;
  out.text = lit.text;
  switch (lit.kind) {
    case LiteralKind::kNumber:
      out.number = std::strtod(lit.text.c_str(), nullptr);
      break;
    case LiteralKind::kBool:
      out.boolean = lit.text == "true";
      break;
    case LiteralKind::kDate:
      out.micros = ParseUtcTimestamp(lit.text).value_or(0);
      break;
    case LiteralKind::kDuration:
      out.duration = ParseDuration(lit.text).value_or(Duration{});
      break;
    case LiteralKind::kString:
      break;
  }
  return out;
}

BoundWindow BindWindow(const Window& w) {
  BoundWindow out;
  out.kind = w.kind;
  if (w.kind != Window::Kind::kNone) out.from = ParseDuration(w.from).value_or(Duration{});
  if (w.kind == Window::Kind::kBetween) out.to = ParseDuration(w.to).value_or(Duration{});
  return out;
}

bool IsBranch(NodeKind kind) {
  return kind == NodeKind::kAnd || kind == NodeKind::kOr || kind == NodeKind::kNot;
}

// Resolves and type-checks a condition or filter into its bound form, collecting problems.
class Binder {
 public:
  Binder(const Project* project, const Catalog& catalog, std::vector<Problem>* problems)
      : project_(project), catalog_(catalog), problems_(problems) {}

  BoundCondition Condition(const Expr& e) {
    BoundCondition out;
    condition_ = &out;
    out.root = Node(e);
    condition_ = nullptr;
    return out;
  }

  BoundExpr Filter(const Expr& e, const std::string& source) {
    BoundExpr out = Shape(e);
    if (IsBranch(e.kind)) {
      for (const auto& c : e.children) out.children.push_back(Filter(c, source));
      return out;
    }
    if (e.kind == NodeKind::kInAudience || e.kind == NodeKind::kExists) {
      Add(e.pos, "a filter over " + Quote(source) +
                     " compares its columns; exists and in_audience are not allowed here");
      return out;
    }
    if (e.operand.kind == Operand::Kind::kAggregate) {
      Add(e.operand.pos, "a filter over " + Quote(source) +
                             " compares its columns; aggregates are not allowed here");
      return out;
    }
    out.operand = BoundExpr::Operand::kColumn;
    out.name = e.operand.name;
    const auto* columns = catalog_.ColumnsOf(source);
    if (columns == nullptr) return out;  // unknown source: reported where it is named
    auto it = columns->find(e.operand.name);
    if (it == columns->end()) {
      Add(e.operand.pos, "unknown column " + Quote(e.operand.name) + " in source " + Quote(source) +
                             DidYouMean(e.operand.name, Keys(*columns)));
      return out;
    }
    out.type = it->second;
    Leaf(e, it->second, "column " + Quote(e.operand.name));
    return out;
  }

 private:
  // The node's kind, operator and literals, without its children or operand.
  static BoundExpr Shape(const Expr& e) {
    BoundExpr out;
    out.kind = e.kind;
    out.op = e.op;
    out.negated = e.negated;
    out.audience = e.audience;
    for (const auto& lit : e.literals) out.literals.push_back(BindLiteral(lit));
    return out;
  }

  BoundExpr Node(const Expr& e) {
    BoundExpr out = Shape(e);
    if (IsBranch(e.kind)) {
      for (const auto& c : e.children) out.children.push_back(Node(c));
      return out;
    }
    if (e.kind == NodeKind::kInAudience) {
      InAudience(e);
      condition_->audiences.push_back(e.audience);
      return out;
    }
    if (e.kind == NodeKind::kExists) {
      BoundAggregate agg = Aggregate(e.event, /*needs_column=*/false);
      agg.exists = true;
      out.aggregate = AddAggregate(std::move(agg));
      return out;
    }
    const Operand& o = e.operand;
    if (o.kind == Operand::Kind::kAggregate) {
      out.operand = BoundExpr::Operand::kAggregate;
      BoundAggregate agg = Aggregate(o.event, /*needs_column=*/o.fn != AggregateFn::kCount);
      agg.fn = o.fn;
      agg.type = AggregateType(o, agg.column_type);
      out.type = agg.type;
      out.aggregate = AddAggregate(std::move(agg));
      Leaf(e, out.type, std::string(AggregateFnName(o.fn)) + "(" + o.event.source + ")");
      return out;
    }
    out.operand = BoundExpr::Operand::kTrait;
    out.name = o.name;
    auto& traits = condition_->traits;
    if (std::find(traits.begin(), traits.end(), o.name) == traits.end()) traits.push_back(o.name);
    auto it = catalog_.traits.find(o.name);
    if (it == catalog_.traits.end()) {
      Add(o.pos, "unknown trait " + Quote(o.name) + DidYouMean(o.name, Keys(catalog_.traits)) +
                     NotATraitHint(o.name));
      return out;
    }
    out.type = it->second;
    Leaf(e, it->second, "trait " + Quote(o.name));
    return out;
  }

  int AddAggregate(BoundAggregate agg) {
    condition_->aggregates.push_back(std::move(agg));
    return static_cast<int>(condition_->aggregates.size()) - 1;
  }

  // The aggregate's value type; sum and avg need a numeric column.
  ValueType AggregateType(const Operand& o, ValueType column) {
    if (o.fn == AggregateFn::kSum || o.fn == AggregateFn::kAvg) {
      if (column != ValueType::kNumber && column != ValueType::kAny) {
        Add(o.event.column_pos, std::string(AggregateFnName(o.fn)) + " needs a numeric column; " +
                                    Quote(o.event.source + "." + o.event.column) + " is " +
                                    std::string(ValueTypeName(column)));
      }
      return ValueType::kNumber;
    }
    return o.fn == AggregateFn::kCount ? ValueType::kNumber : column;
  }

  void Add(const Position& pos, std::string message) {
    problems_->push_back({pos, std::move(message)});
  }

  std::string NotATraitHint(const std::string& name) const {
    for (const auto& [source, columns] : catalog_.source_columns) {
      if (columns.count(name) != 0) {
        return "; " + Quote(name) + " is a column of source " + Quote(source) +
               ": declare a trait for it, or use it in an event condition such as count(" + source +
               " where " + name + " = ...)";
      }
    }
    return "";
  }

  void Leaf(const Expr& e, ValueType type, const std::string& what) {
    if (e.kind == NodeKind::kIsNull) return;
    if (e.kind == NodeKind::kContains && type != ValueType::kText && type != ValueType::kAny) {
      Add(e.pos, "contains needs text; " + what + " is " + std::string(ValueTypeName(type)));
      return;
    }
    if (e.kind == NodeKind::kBetween && type == ValueType::kBool) {
      Add(e.pos, "between needs numbers, dates or text; " + what + " is a boolean");
      return;
    }
    for (const auto& lit : e.literals) {
      if (Fits(type, lit.kind)) continue;
      std::string msg = "cannot compare " + what + " (" + std::string(ValueTypeName(type)) +
                        ") with " + std::string(LiteralKindName(lit.kind));
      if (lit.kind == LiteralKind::kDuration) {
        msg += "; durations are for windows: count(source within 30d)";
      }
      Add(lit.pos, msg);
    }
  }

  // Binds the event's source, column, window and filter.
  BoundAggregate Aggregate(const EventQuery& ev, bool needs_column) {
    BoundAggregate out;
    out.source = ev.source;
    out.column = ev.column;
    out.window = BindWindow(ev.window);
    const SourceConfig* source = project_ ? project_->FindSource(ev.source) : nullptr;
    const auto* columns = catalog_.ColumnsOf(ev.source);
    if (source == nullptr || columns == nullptr) {
      Add(ev.source_pos, "unknown source " + Quote(ev.source) +
                             DidYouMean(ev.source, Keys(catalog_.source_columns)));
      return out;
    }
    if (ev.window.kind != Window::Kind::kNone) CheckWindow(ev, *source, out);
    if (!ev.filter.empty()) out.filter.push_back(Filter(ev.filter.front(), ev.source));
    if (ev.column.empty()) {
      if (needs_column) Add(ev.source_pos, "this aggregate needs a column: source.column");
      return out;
    }
    auto it = columns->find(ev.column);
    if (it == columns->end()) {
      Add(ev.column_pos, "unknown column " + Quote(ev.column) + " in source " + Quote(ev.source) +
                             DidYouMean(ev.column, Keys(*columns)));
      return out;
    }
    out.column_type = it->second;
    return out;
  }

  void CheckWindow(const EventQuery& ev, const SourceConfig& source, BoundAggregate& out) {
    if (!source.timestamp) {
      Add(ev.source_pos,
          "source " + Quote(ev.source) + " has no 'timestamp' column, so it cannot take a window");
      return;
    }
    out.timestamp = source.timestamp->value;
    if (ev.window.kind != Window::Kind::kBetween) return;
    if (out.window.from.Millis() <= out.window.to.Millis()) {
      Add(ev.source_pos, "between " + ev.window.from + " and " + ev.window.to +
                             " ago: write the older bound first, e.g. between 90d and 30d ago");
    }
  }

  void InAudience(const Expr& e) {
    if (project_ == nullptr) return;
    std::vector<std::string> names;
    for (const auto& a : project_->audiences) {
      if (a.name.value == e.audience) return;
      names.push_back(a.name.value);
    }
    Add(e.pos,
        "in_audience: unknown audience " + Quote(e.audience) + DidYouMean(e.audience, names));
  }

  const Project* project_;
  const Catalog& catalog_;
  std::vector<Problem>* problems_;
  BoundCondition* condition_ = nullptr;  // the condition being bound (not for filters)
};

// "line L, column C of the condition" for multi-line text, "column C" otherwise.
std::string Where(const std::string& text, const Position& pos) {
  // A folded YAML scalar (`where: >`) ends with a newline: that alone is one line.
  const size_t last = text.find_last_not_of(" \t\r\n");
  const bool multiline = last != std::string::npos && text.find('\n') < last;
  return (multiline ? "line " + std::to_string(pos.line) + ", column " : "column ") +
         std::to_string(pos.column);
}

// A syntax error's message without the position Message() starts with (Where() adds it).
std::string WithoutPosition(const SyntaxError& error) {
  const std::string message = error.Message();
  const size_t column = message.find("column ");
  const size_t colon = column == std::string::npos ? column : message.find(": ", column);
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

// Parses `text`; on a syntax error adds it to `problems` and returns nothing.
std::optional<Expr> Parse(const std::string& text, std::vector<Problem>& problems) {
  SyntaxError error;
  auto parsed = ParseCondition(text, &error);
  if (parsed.ok()) return std::move(*parsed);
  problems.push_back({error.pos, WithoutPosition(error)});
  return std::nullopt;
}

// Reports each problem of a project condition at the `where` of `context`.
void Report(Diagnostics& diags, const std::string& context, const LocatedString& text,
            const std::vector<Problem>& problems) {
  for (const auto& p : problems) {
    diags.Error(text.pos, context + ": where: " + Where(text.value, p.pos) + ": " + p.message);
  }
}

void BindTraitFilters(const Project& project, const Catalog& catalog, Diagnostics& diags,
                      BoundProject& out) {
  for (const auto& t : project.traits) {
    const SourceConfig* source = t.source ? project.FindSource(t.source->value) : nullptr;
    BoundTraitFilter filter;
    if (t.window && source != nullptr && source->timestamp) {
      filter.timestamp = source->timestamp->value;
      filter.window.kind = Window::Kind::kWithin;
      filter.window.from = ParseDuration(t.window->value).value_or(Duration{});
    }
    if (t.where) {
      std::vector<Problem> problems;
      std::optional<Expr> parsed = Parse(t.where->value, problems);
      const bool has_source = !t.inputs.empty() || t.source;
      if (parsed && has_source) {
        const std::string name = t.source ? t.source->value : t.inputs.front().source.value;
        filter.where.push_back(BindFilter(*parsed, name, catalog, &problems));
      }
      Report(diags, "trait " + Quote(t.name.value), *t.where, problems);
      if (!problems.empty()) continue;
    }
    if (filter.window.kind != Window::Kind::kNone || !filter.where.empty()) {
      out.trait_filters[t.name.value] = std::move(filter);
    }
  }
}

// Orders `bound` so that in_audience references come first, leaving out audiences that refer
// to a missing one or sit on a cycle (which is reported).
std::vector<BoundAudience> InDependencyOrder(std::map<std::string, BoundAudience> bound,
                                             const Project& project, Diagnostics& diags) {
  std::vector<BoundAudience> order;
  std::map<std::string, int> state;  // 1: visiting, 2: done, 3: left out
  std::vector<std::string> path;
  std::function<bool(const std::string&)> visit = [&](const std::string& name) -> bool {
    if (state[name] == 2) return true;
    if (state[name] == 3 || bound.count(name) == 0) return false;
    if (state[name] == 1) {
      std::string cycle;
      bool on = false;
      for (const auto& p : path) {
        on = on || p == name;
        if (on) cycle += p + " -> ";
      }
      diags.Error(project.audiences.front().pos,
                  "in_audience references form a cycle: " + cycle + name);
      return false;
    }
    state[name] = 1;
    path.push_back(name);
    bool ok = true;
    for (const auto& r : bound.at(name).condition.audiences) ok = visit(r) && ok;
    path.pop_back();
    state[name] = ok ? 2 : 3;
    if (ok) order.push_back(std::move(bound.at(name)));
    return ok;
  };
  for (const auto& a : project.audiences) visit(a.name.value);
  return order;
}

}  // namespace

bool BoundAggregate::ZeroWhenNoRows() const {
  return exists || fn == AggregateFn::kCount || fn == AggregateFn::kSum;
}

const BoundAudience* BoundProject::FindAudience(std::string_view name) const {
  for (const auto& a : audiences) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const BoundTraitFilter* BoundProject::TraitFilter(std::string_view trait) const {
  auto it = trait_filters.find(std::string(trait));
  return it == trait_filters.end() ? nullptr : &it->second;
}

std::vector<std::string> BoundProject::Order() const {
  std::vector<std::string> out;
  out.reserve(audiences.size());
  for (const auto& a : audiences) out.push_back(a.name);
  return out;
}

BoundCondition BindCondition(const Expr& condition, const Project& project, const Catalog& catalog,
                             std::vector<Problem>* problems) {
  return Binder(&project, catalog, problems).Condition(condition);
}

BoundExpr BindFilter(const Expr& filter, const std::string& source, const Catalog& catalog,
                     std::vector<Problem>* problems) {
  return Binder(nullptr, catalog, problems).Filter(filter, source);
}

BoundProject BindProject(const Project& project, const Catalog& catalog, Diagnostics& diags) {
  BoundProject out;
  BindTraitFilters(project, catalog, diags, out);
  std::map<std::string, BoundAudience> bound;
  for (const auto& a : project.audiences) {
    std::vector<Problem> problems;
    std::optional<Expr> parsed = Parse(a.where.value, problems);
    BoundAudience audience{a.name.value, "", {}};
    if (parsed) {
      audience.text = Print(*parsed);
      audience.condition = BindCondition(*parsed, project, catalog, &problems);
    }
    Report(diags, "audience " + Quote(a.name.value), a.where, problems);
    if (problems.empty()) bound.emplace(a.name.value, std::move(audience));
  }
  out.audiences = InDependencyOrder(std::move(bound), project, diags);
  return out;
}

Result<BoundProject> BindAll(const Project& project, const Catalog& catalog) {
  Diagnostics diags(project.file);
  BoundProject out = BindProject(project, catalog, diags);
  if (diags.has_errors()) return Status::Invalid(diags.ToString());
  return out;
}

void CheckProjectConditions(const Project& project, const Catalog& catalog, Diagnostics& diags) {
  (void)BindProject(project, catalog, diags);
}

}  // namespace zcdp::expr
