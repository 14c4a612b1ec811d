#include <algorithm>
#include <vector>

#include "zcdp/expr/sql.h"
#include "zcdp/identity/identity.h"
#include "zcdp/traits/traits.h"

namespace zcdp {
namespace {

using expr::Join;

// Builds the profiles SELECT: a base of profile ids, one LEFT JOIN per source for the plain
// aggregates, one per ranked trait (most frequent, picks), and an outer SELECT for `sql`
// traits over the others.
class ProfilesBuilder {
 public:
  ProfilesBuilder(const Project& p, const Dialect& d, const expr::BoundProject& bound,
                  int64_t as_of, const std::vector<std::string>& only, std::string base)
      : p_(p), d_(d), bound_(bound), as_of_(as_of), base_(std::move(base)) {
    for (const auto& t : p.traits) {
      const bool wanted =
          only.empty() || std::find(only.begin(), only.end(), t.name.value) != only.end();
      if (wanted) traits_.push_back(&t);
      // An sql trait over other traits may read any of them.
      if (wanted && t.sql && !t.source) {
        traits_.clear();
        for (const auto& all : p.traits) traits_.push_back(&all);
        break;
      }
    }
  }

  Result<std::string> Build() {
    std::map<std::string, std::vector<std::string>> per_source;  // source -> agg columns
    std::vector<std::string> outer_exprs;
    for (const TraitConfig* tp : traits_) {
      const TraitConfig& t = *tp;
      const std::string name = d_.QuoteIdentifier(t.name.value);
      if (t.sql && !t.source) {
        outer_exprs.push_back("(" + t.sql->value + ") AS " + name);
        continue;
      }
      ZCDP_ASSIGN_OR_RETURN(std::string filter, FilterOf(t));
      if (t.sql) {
        AddJoin("(SELECT r.zcdp_profile_id, (" + t.sql->value + ") AS v FROM " +
                    Rows(t.source->value) + " r WHERE " + filter + " GROUP BY r.zcdp_profile_id)",
                name, "v");
      } else if (t.pick || t.aggregate_function == AggregateFunction::kMostFrequent) {
        AddJoin(Ranked(t, filter), name, "v");
      } else {
        const std::string fn = AggregateSql(t);
        const std::string col = "t" + std::to_string(++columns_);
        per_source[t.source->value].push_back(
            fn + (filter == "TRUE" ? "" : " FILTER (WHERE " + filter + ")") + " AS " + col);
        const bool zero = AggregateOfNoRowsIsZero(t.aggregate_function);
        pending_.push_back({t.source->value, col, name, zero});
      }
    }
    for (const auto& [source, cols] : per_source) {
      const std::string alias = "j" + std::to_string(++joins_);
      joins_sql_ += " LEFT JOIN (SELECT r.zcdp_profile_id, " + Join(cols, ", ") + " FROM " +
                    Rows(source) + " r GROUP BY r.zcdp_profile_id) " + alias + " ON " + alias +
                    ".zcdp_profile_id = b.profile_id";
      for (const auto& pcol : pending_) {
        if (pcol.source != source) continue;
        const std::string ref = alias + "." + pcol.column;
        select_[pcol.name] = pcol.zero ? "COALESCE(" + ref + ", 0)" : ref;
      }
    }
    std::vector<std::string> cols = {"b.profile_id"};
    for (const TraitConfig* tp : traits_) {
      const TraitConfig& t = *tp;
      const std::string name = d_.QuoteIdentifier(t.name.value);
      auto it = select_.find(name);
      if (it != select_.end()) cols.push_back(it->second + " AS " + name);
    }
    const std::string schema = d_.QuoteIdentifier(p_.warehouse.output_schema);
    const std::string base = base_.empty() ? "(SELECT DISTINCT profile_id FROM " + schema + "." +
                                                 d_.QuoteIdentifier("identity_graph") + ")"
                                           : base_;
    std::string sql = "SELECT " + Join(cols, ", ") + " FROM " + base + " b" + joins_sql_;
    if (outer_exprs.empty()) return sql;
    return "SELECT x.*, " + Join(outer_exprs, ", ") + " FROM (" + sql + ") x";
  }

 private:
  struct PendingColumn {
    std::string source, column, name;
    bool zero;
  };

  std::string Rows(const std::string& source) const {
    return ProfileRowsSql(p_, d_, *p_.FindSource(source));
  }

  std::string Col(const std::string& column) const { return "r." + d_.QuoteIdentifier(column); }

  // The window and `where` of an aggregate trait over its source's rows, or "TRUE".
  Result<std::string> FilterOf(const TraitConfig& t) const {
    if (t.where && bound_.TraitFilter(t.name.value) == nullptr) {
      return Status::Invalid("trait '" + t.name.value +
                             "': its where did not bind (zcdp validate says why)");
    }
    const expr::BoundTraitFilter* filter = bound_.TraitFilter(t.name.value);
    if (filter == nullptr) return std::string("TRUE");
    std::vector<std::string> conds;
    if (filter->window.kind != expr::Window::Kind::kNone) {
      conds.push_back(expr::WindowSql(filter->window, Col(filter->timestamp), as_of_, d_));
    }
    if (!filter->where.empty()) conds.push_back(expr::FilterSql(filter->where.front(), "r", d_));
    return conds.empty() ? std::string("TRUE") : Join(conds, " AND ");
  }

  std::string AggregateSql(const TraitConfig& t) const {
    const AggregateFunction fn = t.aggregate_function;
    const std::string col = t.input_column ? Col(t.input_column->value) : "";
    switch (fn) {
      case AggregateFunction::kCount:
        return "count(" + (col.empty() ? std::string("*") : col) + ")";
      case AggregateFunction::kCountDistinct:
        return "count(DISTINCT " + col + ")";
      case AggregateFunction::kFirst:
      case AggregateFunction::kLast: {
        const SourceConfig* s = p_.FindSource(t.source->value);
        const std::string ts = Col(s->timestamp->value);
        return fn == AggregateFunction::kFirst ? d_.ArgMin(col, ts) : d_.ArgMax(col, ts);
      }
      default:  // sum, avg, min, max: the SQL function of the same name
        return std::string(AggregateFunctionName(fn)) + "(" + col + ")";
    }
  }

  // Most frequent value or a pick over one or more (source, column) inputs: one candidate
  // row per source row, ranked per profile.
  std::string Ranked(const TraitConfig& t, const std::string& filter) const {
    std::vector<std::string> candidates;
    int priority = 0;
    for (const auto& in : t.inputs) {
      const SourceConfig* s = p_.FindSource(in.source.value);
      const std::string ts = s->timestamp ? d_.Cast(Col(s->timestamp->value), SqlType::kTimestamp)
                                          : d_.Cast("NULL", SqlType::kTimestamp);
      candidates.push_back("SELECT r.zcdp_profile_id, " + Col(in.column.value) + " AS v, " + ts +
                           " AS ts, " + std::to_string(priority++) + " AS prio, " +
                           SourceRowKeyOrder(*s) + " AS rk FROM " + Rows(in.source.value) +
                           " r WHERE " + Col(in.column.value) + " IS NOT NULL AND " +
                           (t.source ? filter : "TRUE"));
    }
    const std::string all = "(" + Join(candidates, " UNION ALL ") + ")";
    std::string ranked;
    const std::string rule = t.pick ? t.pick->value : "most_frequent";
    if (rule == "most_frequent") {
      ranked =
          "SELECT zcdp_profile_id, v, row_number() OVER (PARTITION BY zcdp_profile_id ORDER "
          "BY n DESC, v) AS rn FROM (SELECT zcdp_profile_id, v, count(*) AS n FROM " +
          all + " c GROUP BY zcdp_profile_id, v) g";
    } else {
      const std::string order = rule == "most_recent" ? "ts DESC NULLS LAST, prio, rk DESC"
                                                      : "prio, ts DESC NULLS LAST, rk DESC";
      ranked =
          "SELECT zcdp_profile_id, v, row_number() OVER (PARTITION BY zcdp_profile_id ORDER "
          "BY " +
          order + ") AS rn FROM " + all + " c";
    }
    return "(SELECT zcdp_profile_id, v FROM (" + ranked + ") k WHERE rn = 1)";
  }

  // A tie-breaker that orders a source's rows deterministically: the primary key, else the
  // row's identifying content.
  std::string SourceRowKeyOrder(const SourceConfig& s) const {
    if (s.primary_key) return d_.Cast(Col(s.primary_key->value), SqlType::kText);
    std::vector<std::string> parts;
    for (const auto& id : s.identifiers)
      parts.push_back(d_.Cast(Col(id.column.value), SqlType::kText));
    return "concat_ws('|', " + Join(parts, ", ") + ")";
  }

  void AddJoin(const std::string& relation, const std::string& name, const std::string& column) {
    const std::string alias = "j" + std::to_string(++joins_);
    joins_sql_ +=
        " LEFT JOIN " + relation + " " + alias + " ON " + alias + ".zcdp_profile_id = b.profile_id";
    select_[name] = alias + "." + column;
  }

  const Project& p_;
  const Dialect& d_;
  const expr::BoundProject& bound_;
  int64_t as_of_;  // windows count back from this instant (micros since the epoch, UTC)
  int columns_ = 0;
  int joins_ = 0;
  std::string joins_sql_;
  std::vector<PendingColumn> pending_;
  std::map<std::string, std::string> select_;  // quoted trait name -> expression
  std::vector<const TraitConfig*> traits_;
  std::string base_;  // the relation of profile ids to compute traits for ("" for all)
};

}  // namespace

Result<std::string> ProfilesSql(const Project& project, const Dialect& dialect,
                                const expr::BoundProject& bound, int64_t as_of_micros,
                                const std::vector<std::string>& traits, const std::string& base) {
  return ProfilesBuilder(project, dialect, bound, as_of_micros, traits, base).Build();
}

}  // namespace zcdp
