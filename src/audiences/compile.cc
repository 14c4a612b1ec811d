#include "zcdp/audiences/compile.h"

#include <algorithm>
#include <map>
#include <set>

#include "zcdp/expr/sql.h"
#include "zcdp/identity/identity.h"
#include "zcdp/traits/traits.h"

namespace zcdp::audience {

using expr::AggregateFn;
using expr::BoundAggregate;
using expr::BoundCondition;
using expr::BoundExpr;
using expr::CompareOp;
using expr::Join;
using expr::LiteralKind;
using expr::NodeKind;

Compiler::Compiler(const Project& project, const Dialect& dialect, const expr::BoundProject& bound,
                   int64_t as_of_micros, std::string profiles_relation, TraitValues traits)
    : p_(project),
      d_(dialect),
      bound_(bound),
      as_of_(as_of_micros),
      profiles_(std::move(profiles_relation)),
      inline_traits_(profiles_.empty() && traits == TraitValues::kInline) {
  if (profiles_.empty()) {
    profiles_ =
        d_.QuoteIdentifier(p_.warehouse.output_schema) + "." + d_.QuoteIdentifier("profiles");
  }
}

class ConditionBuilder {
 public:
  ConditionBuilder(const Compiler& c, std::set<std::string>& stack) : c_(c), stack_(stack) {}

  Result<std::string> Build(const BoundCondition& condition) {
    condition_ = &condition;
    const std::vector<std::string>& traits = condition.traits;
    const bool uses_traits = !traits.empty();
    const Dialect& d = c_.dialect();
    const std::string schema = d.QuoteIdentifier(c_.project().warehouse.output_schema);
    std::string profiles = c_.profiles_relation();
    if (uses_traits && c_.inline_traits()) {
      ZCDP_ASSIGN_OR_RETURN(std::string select,
                            ProfilesSql(c_.project(), d, c_.bound(), c_.as_of_micros(), traits));
      profiles = "(" + select + ")";
    }
    std::string ctes;
    std::string joins;
    std::vector<std::string> aliases;
    ZCDP_RETURN_IF_ERROR(AddSourceJoins(ctes, joins, aliases));
    std::string driver;
    const BoundExpr* required = RequiredAudience(condition.root);
    if (required != nullptr && stack_.count(required->audience) == 0) {
      // Members must be in that audience: start from its members, traits joined to them.
      ZCDP_ASSIGN_OR_RETURN(std::string sub, c_.AudienceSqlWithin(required->audience, stack_));
      driver = "(" + sub + ")";
      driven_by_ = required;  // holds for every driver row: not tested again
      if (uses_traits && c_.inline_traits()) {
        // The traits of those members only.
        ZCDP_ASSIGN_OR_RETURN(std::string select, ProfilesSql(c_.project(), d, c_.bound(),
                                                              c_.as_of_micros(), traits, driver));
        driver = "(" + select + ")";
      } else if (uses_traits) {
        joins = " LEFT JOIN " + profiles + " tr ON tr.profile_id = p.profile_id" + joins;
        trait_alias_ = "tr";
      }
    } else if (uses_traits) {
      driver = profiles;
    } else if (!DefaultHolds(condition.root, 0)) {
      // A profile without rows in any source fails the condition: only profiles with rows
      // (or in a referenced audience) can be members, so there is no need to list them all.
      std::vector<std::string> parts;
      parts.reserve(aliases.size());
      for (const auto& a : aliases) parts.push_back("SELECT zcdp_profile_id FROM " + a);
      ZCDP_RETURN_IF_ERROR(AddAudienceMembers(condition.root, parts));
      if (!parts.empty()) driver = "(" + Join(parts, " UNION ") + ")";
    }
    if (driver.empty()) {
      driver = "(SELECT DISTINCT profile_id FROM " + schema + "." +
               d.QuoteIdentifier("identity_graph") + ")";
    }
    ZCDP_ASSIGN_OR_RETURN(std::string where, Predicate(condition.root));
    // Columns of a UNION driver are named after its first part: rename to profile_id.
    const std::string select = "SELECT p.profile_id FROM (SELECT * FROM " + driver +
                               " d) p(profile_id)" + joins + " WHERE " + where;
    return ctes.empty() ? select : "WITH " + ctes + " " + select;
  }

 private:
  // Whether `e` holds for a profile with no rows in any source (counts and sums 0, the other
  // aggregates missing). True when unsure (traits, unparsable or deep references).
  bool DefaultHolds(const BoundExpr& e, int depth) const {
    switch (e.kind) {
      case NodeKind::kAnd:
        return std::all_of(e.children.begin(), e.children.end(),
                           [&](const BoundExpr& c) { return DefaultHolds(c, depth); });
      case NodeKind::kOr:
        return std::any_of(e.children.begin(), e.children.end(),
                           [&](const BoundExpr& c) { return DefaultHolds(c, depth); });
      case NodeKind::kNot:
        return !DefaultHolds(e.children.at(0), depth);
      case NodeKind::kExists:
        return false;
      case NodeKind::kInAudience: {
        if (depth > 16) return true;
        const expr::BoundAudience* sub = c_.bound().FindAudience(e.audience);
        return sub == nullptr || DefaultHolds(sub->condition.root, depth + 1);
      }
      default:
        break;
    }
    if (e.operand != BoundExpr::Operand::kAggregate) return true;
    const bool zero = Agg(e).ZeroWhenNoRows();
    if (e.kind == NodeKind::kIsNull) return zero ? e.negated : !e.negated;
    if (!zero) return false;  // a comparison with a missing value is false
    std::vector<double> v;
    for (const auto& lit : e.literals) {
      if (lit.kind != LiteralKind::kNumber) return true;
      v.push_back(lit.number);
    }
    switch (e.kind) {
      case NodeKind::kCompare:
        switch (e.op) {
          case CompareOp::kEq:
            return v[0] == 0;
          case CompareOp::kNe:
            return v[0] != 0;
          case CompareOp::kLt:
            return 0 < v[0];
          case CompareOp::kLe:
            return 0 <= v[0];
          case CompareOp::kGt:
            return 0 > v[0];
          case CompareOp::kGe:
            return 0 >= v[0];
        }
        return true;
      case NodeKind::kBetween:
        return v[0] <= 0 && 0 <= v[1];
      case NodeKind::kIn:
        return (std::find(v.begin(), v.end(), 0.0) != v.end()) != e.negated;
      default:
        return true;
    }
  }

  // An in_audience(x) that must hold for the whole condition to hold (the condition itself,
  // or one of its top-level `and` terms), or nullptr.
  static const BoundExpr* RequiredAudience(const BoundExpr& e) {
    if (e.kind == NodeKind::kInAudience) return &e;
    if (e.kind != NodeKind::kAnd) return nullptr;
    for (const auto& c : e.children) {
      if (const BoundExpr* r = RequiredAudience(c)) return r;
    }
    return nullptr;
  }

  // The member queries of the audiences `e` refers to, for the driver of its profiles.
  Status AddAudienceMembers(const BoundExpr& e, std::vector<std::string>& parts) const {
    if (e.kind == NodeKind::kInAudience && stack_.count(e.audience) == 0) {
      ZCDP_ASSIGN_OR_RETURN(std::string sub, c_.AudienceSqlWithin(e.audience, stack_));
      parts.push_back("SELECT profile_id FROM (" + sub + ") m");
    }
    for (const auto& c : e.children) ZCDP_RETURN_IF_ERROR(AddAudienceMembers(c, parts));
    return Status::Ok();
  }

  const BoundAggregate& Agg(const BoundExpr& e) const {
    return condition_->aggregates.at(static_cast<size_t>(e.aggregate));
  }

  // The column an aggregate's value is computed in: "a<N>", in the order written.
  static std::string AggColumn(size_t index) { return "a" + std::to_string(index + 1); }

  // One LEFT JOIN per source read by the condition's aggregates, each aggregate a column
  // computed with FILTER over its window and filter.
  Status AddSourceJoins(std::string& ctes, std::string& joins, std::vector<std::string>& aliases) {
    std::map<std::string, std::vector<size_t>> by_source;
    for (size_t i = 0; i < condition_->aggregates.size(); ++i) {
      by_source[condition_->aggregates[i].source].push_back(i);
    }
    int n = 0;
    for (const auto& [name, indexes] : by_source) {
      const SourceConfig* source = c_.project().FindSource(name);
      if (source == nullptr) return Status::Invalid("unknown source " + name);
      const std::string alias = "s" + std::to_string(++n);
      std::string columns;
      // Rows no aggregate looks at are filtered before the join to their profile: the OR of
      // the aggregates' conditions (none when one aggregate reads every row).
      std::vector<std::string> any;
      bool all_rows = false;
      for (size_t i : indexes) {
        const BoundAggregate& a = condition_->aggregates[i];
        columns += ", " + AggregateSql(a) + " AS " + AggColumn(i);
        agg_source_alias_[i] = alias;
        const std::string cond = RowCondition(a);
        all_rows = all_rows || cond.empty();
        if (!cond.empty()) any.push_back("(" + cond + ")");
      }
      const std::string where = all_rows ? "" : " WHERE " + Join(any, " OR ");
      ctes += std::string(ctes.empty() ? "" : ", ") + alias + " AS (SELECT r.zcdp_profile_id" +
              columns + " FROM " + ProfileRowsSql(c_.project(), c_.dialect(), *source) + " r" +
              where + " GROUP BY r.zcdp_profile_id)";
      joins += " LEFT JOIN " + alias + " ON " + alias + ".zcdp_profile_id = p.profile_id";
      aliases.push_back(alias);
    }
    return Status::Ok();
  }

  // The window and filter of an aggregate over its source's rows, "" when it reads all.
  std::string RowCondition(const BoundAggregate& a) const {
    const Dialect& d = c_.dialect();
    std::vector<std::string> conds;
    if (a.window.kind != expr::Window::Kind::kNone && !a.timestamp.empty()) {
      conds.push_back(
          expr::WindowSql(a.window, "r." + d.QuoteIdentifier(a.timestamp), c_.as_of_micros(), d));
    }
    if (!a.filter.empty()) conds.push_back(expr::FilterSql(a.filter.front(), "r", d));
    return Join(conds, " AND ");
  }

  std::string AggregateSql(const BoundAggregate& a) const {
    const Dialect& d = c_.dialect();
    const std::string cond = RowCondition(a);
    const std::string col = a.column.empty() ? "" : "r." + d.QuoteIdentifier(a.column);
    std::string fn = "count(" + (col.empty() ? std::string("*") : col) + ")";
    if (!a.exists) {
      switch (a.fn) {
        case AggregateFn::kCount:
          break;
        case AggregateFn::kSum:
          fn = "sum(" + col + ")";
          break;
        case AggregateFn::kAvg:
          fn = "avg(" + col + ")";
          break;
        case AggregateFn::kMin:
          fn = "min(" + col + ")";
          break;
        case AggregateFn::kMax:
          fn = "max(" + col + ")";
          break;
      }
    }
    return cond.empty() ? fn : fn + " FILTER (WHERE " + cond + ")";
  }

  // The value of an aggregate per profile: count and sum of no rows are 0.
  std::string AggregateValue(const BoundExpr& e) const {
    const auto index = static_cast<size_t>(e.aggregate);
    const std::string ref = agg_source_alias_.at(index) + "." + AggColumn(index);
    return Agg(e).ZeroWhenNoRows() ? "COALESCE(" + ref + ", 0)" : ref;
  }

  Result<std::string> Predicate(const BoundExpr& e) {
    const Dialect& d = c_.dialect();
    switch (e.kind) {
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        std::vector<std::string> parts;
        for (const auto& c : e.children) {
          ZCDP_ASSIGN_OR_RETURN(std::string part, Predicate(c));
          parts.push_back(std::move(part));
        }
        return "(" + Join(parts, e.kind == NodeKind::kAnd ? " AND " : " OR ") + ")";
      }
      case NodeKind::kNot: {
        ZCDP_ASSIGN_OR_RETURN(std::string inner, Predicate(e.children.at(0)));
        return "(NOT " + inner + ")";
      }
      case NodeKind::kExists:
        return "(" + AggregateValue(e) + " > 0)";
      case NodeKind::kInAudience: {
        if (&e == driven_by_) return std::string("TRUE");
        if (stack_.count(e.audience) != 0) {
          return Status::Invalid("in_audience(" + e.audience + ") refers back to itself");
        }
        ZCDP_ASSIGN_OR_RETURN(std::string sub, c_.AudienceSqlWithin(e.audience, stack_));
        return "(p.profile_id IN (" + sub + "))";
      }
      default: {
        const std::string lhs = e.operand == BoundExpr::Operand::kAggregate
                                    ? AggregateValue(e)
                                    : trait_alias_ + "." + d.QuoteIdentifier(e.name);
        return expr::LeafSql(e, lhs, d);
      }
    }
  }

  const Compiler& c_;
  std::set<std::string>& stack_;
  const BoundCondition* condition_ = nullptr;       // the condition being built
  std::map<size_t, std::string> agg_source_alias_;  // aggregate index -> its source's alias
  std::string trait_alias_ = "p";                   // the relation trait columns are read from
  const BoundExpr* driven_by_ = nullptr;            // the in_audience whose members drive the query
};

Result<std::string> Compiler::ConditionSql(const BoundCondition& condition) const {
  std::set<std::string> stack;
  return ConditionBuilder(*this, stack).Build(condition);
}

Result<std::string> Compiler::AudienceSql(std::string_view name) const {
  std::set<std::string> stack;
  return AudienceSqlWithin(name, stack);
}

Result<std::string> Compiler::AudienceSqlWithin(std::string_view name,
                                                std::set<std::string>& stack) const {
  const expr::BoundAudience* audience = bound_.FindAudience(name);
  if (audience == nullptr) {
    const bool declared =
        std::any_of(p_.audiences.begin(), p_.audiences.end(),
                    [&](const AudienceConfig& a) { return a.name.value == name; });
    if (!declared) return Status::NotFound("unknown audience '" + std::string(name) + "'");
    return Status::Invalid(
        "audience '" + std::string(name) +
        "' did not bind: its condition has a problem (zcdp validate says which)");
  }
  stack.insert(std::string(name));
  auto sql = ConditionBuilder(*this, stack).Build(audience->condition);
  stack.erase(std::string(name));
  return sql;
}

}  // namespace zcdp::audience
