#include "zcdp/expr/check.h"

#include <functional>
#include <map>
#include <set>

#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

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

class Checker {
 public:
  Checker(const Project* project, const Catalog& catalog) : project_(project), catalog_(catalog) {}

  std::vector<Problem> problems;

  void Condition(const Expr& e) {
    switch (e.kind) {
      case NodeKind::kAnd:
      case NodeKind::kOr:
      case NodeKind::kNot:
        for (const auto& c : e.children) Condition(c);
        return;
      case NodeKind::kInAudience:
        InAudience(e);
        return;
      case NodeKind::kExists:
        Event(e.event, /*needs_column=*/false);
        return;
      default:
        break;
    }
    const Operand& o = e.operand;
    if (o.kind == Operand::Kind::kAggregate) {
      const bool needs_column = o.fn != AggregateFn::kCount;
      const ValueType column = Event(o.event, needs_column);
      ValueType type = ValueType::kNumber;
      if (o.fn == AggregateFn::kSum || o.fn == AggregateFn::kAvg) {
        if (column != ValueType::kNumber && column != ValueType::kAny) {
          Add(o.event.column_pos, std::string(AggregateFnName(o.fn)) + " needs a numeric column; " +
                                      Quote(o.event.source + "." + o.event.column) + " is " +
                                      std::string(ValueTypeName(column)));
        }
      } else if (o.fn != AggregateFn::kCount) {
        type = column;
      }
      Leaf(e, type, std::string(AggregateFnName(o.fn)) + "(" + o.event.source + ")");
      return;
    }
    auto it = catalog_.traits.find(o.name);
    if (it == catalog_.traits.end()) {
      Add(o.pos, "unknown trait " + Quote(o.name) + DidYouMean(o.name, Keys(catalog_.traits)) +
                     NotATraitHint(o.name));
      return;
    }
    Leaf(e, it->second, "trait " + Quote(o.name));
  }

  void Filter(const Expr& e, const std::string& source) {
    switch (e.kind) {
      case NodeKind::kAnd:
      case NodeKind::kOr:
      case NodeKind::kNot:
        for (const auto& c : e.children) Filter(c, source);
        return;
      case NodeKind::kInAudience:
      case NodeKind::kExists:
        Add(e.pos, "a filter over " + Quote(source) +
                       " compares its columns; exists and in_audience are not allowed here");
        return;
      default:
        break;
    }
    if (e.operand.kind == Operand::Kind::kAggregate) {
      Add(e.operand.pos, "a filter over " + Quote(source) +
                             " compares its columns; aggregates are not allowed here");
      return;
    }
    const auto* columns = catalog_.ColumnsOf(source);
    if (columns == nullptr) return;  // unknown source: reported where it is named
    auto it = columns->find(e.operand.name);
    if (it == columns->end()) {
      Add(e.operand.pos, "unknown column " + Quote(e.operand.name) + " in source " + Quote(source) +
                             DidYouMean(e.operand.name, Keys(*columns)));
      return;
    }
    Leaf(e, it->second, "column " + Quote(e.operand.name));
  }

 private:
  void Add(const Position& pos, std::string message) {
    problems.push_back({pos, std::move(message)});
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

  // Checks the event's source, column, window and filter; returns the column's type.
  ValueType Event(const EventQuery& ev, bool needs_column) {
    const SourceConfig* source = project_ ? project_->FindSource(ev.source) : nullptr;
    const auto* columns = catalog_.ColumnsOf(ev.source);
    if (source == nullptr || columns == nullptr) {
      Add(ev.source_pos, "unknown source " + Quote(ev.source) +
                             DidYouMean(ev.source, Keys(catalog_.source_columns)));
      return ValueType::kAny;
    }
    if (ev.window.kind != Window::Kind::kNone) Window(ev, *source);
    if (!ev.filter.empty()) Filter(ev.filter.front(), ev.source);
    if (ev.column.empty()) {
      if (needs_column) Add(ev.source_pos, "this aggregate needs a column: source.column");
      return ValueType::kAny;
    }
    auto it = columns->find(ev.column);
    if (it == columns->end()) {
      Add(ev.column_pos, "unknown column " + Quote(ev.column) + " in source " + Quote(ev.source) +
                             DidYouMean(ev.column, Keys(*columns)));
      return ValueType::kAny;
    }
    return it->second;
  }

  void Window(const EventQuery& ev, const SourceConfig& source) {
    if (!source.timestamp) {
      Add(ev.source_pos,
          "source " + Quote(ev.source) + " has no 'timestamp' column, so it cannot take a window");
      return;
    }
    if (ev.window.kind != Window::Kind::kBetween) return;
    auto from = ParseDuration(ev.window.from);
    auto to = ParseDuration(ev.window.to);
    if (from.ok() && to.ok() && from->Millis() <= to->Millis()) {
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
};

// "line L, column C of the condition" for multi-line text, "column C" otherwise.
std::string Where(const std::string& text, const Position& pos) {
  // A folded YAML scalar (`where: >`) ends with a newline: that alone is one line.
  const size_t last = text.find_last_not_of(" \t\r\n");
  const bool multiline = last != std::string::npos && text.find('\n') < last;
  return (multiline ? "line " + std::to_string(pos.line) + ", column " : "column ") +
         std::to_string(pos.column);
}

void InAudienceNames(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == NodeKind::kInAudience) out.push_back(e.audience);
  for (const auto& c : e.children) InAudienceNames(c, out);
}

}  // namespace

std::vector<Problem> CheckCondition(const Expr& condition, const Project& project,
                                    const Catalog& catalog) {
  Checker c(&project, catalog);
  c.Condition(condition);
  return std::move(c.problems);
}

std::vector<Problem> CheckFilter(const Expr& filter, const std::string& source,
                                 const Catalog& catalog) {
  Checker c(nullptr, catalog);
  c.Filter(filter, source);
  return std::move(c.problems);
}

// A syntax error's message without the position Message() starts with (Where() adds it).
static std::string WithoutPosition(const SyntaxError& error) {
  const std::string message = error.Message();
  const size_t column = message.find("column ");
  const size_t colon = column == std::string::npos ? column : message.find(": ", column);
  return colon == std::string::npos ? message : message.substr(colon + 2);
}

void CheckProjectConditions(const Project& project, const Catalog& catalog, Diagnostics& diags) {
  const auto report = [&](const std::string& context, const LocatedString& text,
                          const std::vector<Problem>& problems) {
    for (const auto& p : problems) {
      diags.Error(text.pos, context + ": where: " + Where(text.value, p.pos) + ": " + p.message);
    }
  };
  for (const auto& t : project.traits) {
    if (!t.where) continue;
    const std::string context = "trait " + Quote(t.name.value);
    SyntaxError error;
    auto filter = ParseCondition(t.where->value, &error);
    if (!filter.ok()) {
      report(context, *t.where, {{error.pos, WithoutPosition(error)}});
      continue;
    }
    if (t.inputs.empty() && !t.source) continue;
    const std::string source = t.source ? t.source->value : t.inputs.front().source.value;
    report(context, *t.where, CheckFilter(*filter, source, catalog));
  }
  for (const auto& a : project.audiences) {
    const std::string context = "audience " + Quote(a.name.value);
    SyntaxError error;
    auto condition = ParseCondition(a.where.value, &error);
    if (!condition.ok()) {
      report(context, a.where, {{error.pos, WithoutPosition(error)}});
      continue;
    }
    report(context, a.where, CheckCondition(*condition, project, catalog));
  }
  auto order = AudienceOrder(project);
  if (!order.ok() && order.status().message().find("cycle") != std::string::npos) {
    diags.Error(project.audiences.front().pos, order.status().message());
  }
}

Result<std::vector<std::string>> AudienceOrder(const Project& project) {
  std::map<std::string, std::vector<std::string>> refs;
  for (const auto& a : project.audiences) {
    auto condition = ParseCondition(a.where.value);
    if (!condition.ok()) {
      return Status::Invalid("audience " + Quote(a.name.value) + ": " +
                             condition.status().message());
    }
    InAudienceNames(*condition, refs[a.name.value]);
  }
  std::vector<std::string> order;
  std::map<std::string, int> state;  // 1: visiting, 2: done
  std::vector<std::string> path;
  std::function<Status(const std::string&)> visit = [&](const std::string& name) -> Status {
    if (state[name] == 2 || refs.count(name) == 0) return Status::Ok();
    if (state[name] == 1) {
      std::string cycle;
      bool on = false;
      for (const auto& p : path) {
        on = on || p == name;
        if (on) cycle += p + " -> ";
      }
      return Status::Invalid("in_audience references form a cycle: " + cycle + name);
    }
    state[name] = 1;
    path.push_back(name);
    for (const auto& r : refs[name]) ZCDP_RETURN_IF_ERROR(visit(r));
    path.pop_back();
    state[name] = 2;
    order.push_back(name);
    return Status::Ok();
  };
  for (const auto& a : project.audiences) ZCDP_RETURN_IF_ERROR(visit(a.name.value));
  return order;
}

}  // namespace zcdp::expr
