#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "zcdp/common/status.h"
#include "zcdp/expr/bound.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::audience {

// Where conditions on traits read the trait values from.
enum class TraitValues {
  kProfilesRelation,  // the profiles relation (a view, a materialised table, or a SELECT)
  kInline,            // only the traits a condition names, computed inline (traits::ProfilesSql)
};

// Compiles audience conditions to SQL through a Dialect, on top of the condition language's
// leaves (zcdp/expr/sql.h). Windows count back from the instant `as_of_micros` (since the
// epoch, UTC), bound into the SQL as a literal: never the engine's clock.
// It reads the project's bound conditions (expr::BindProject): nothing is parsed here.
class Compiler {
 public:
  // `profiles_relation` is the relation with one row per profile (profile_id plus one column
  // per trait): "<output_schema>.profiles" when empty. With kInline and no
  // `profiles_relation`, conditions on traits read only the traits they name, computed
  // inline, instead of the whole profiles relation.
  // `bound` is BindProject of `project`; both must outlive the compiler.
  Compiler(const Project& project, const Dialect& dialect, const expr::BoundProject& bound,
           int64_t as_of_micros, std::string profiles_relation = "",
           TraitValues traits = TraitValues::kProfilesRelation);

  // A SELECT of the distinct profile_id values in audience `name`; in_audience() is
  // compiled inline. NotFound for an unknown audience, InvalidArgument for one that is
  // declared but did not bind (its condition has a problem, or is on a cycle).
  Result<std::string> AudienceSql(std::string_view name) const;

  // A SELECT of the profile_id values for which `condition` (bound without problems against
  // the same project) holds.
  Result<std::string> ConditionSql(const expr::BoundCondition& condition) const;

  // The relation of profiles: see the constructor.
  const std::string& profiles_relation() const { return profiles_; }
  // True when trait values are computed inline (see the constructor).
  bool inline_traits() const { return inline_traits_; }
  const Dialect& dialect() const { return d_; }
  const Project& project() const { return p_; }
  const expr::BoundProject& bound() const { return bound_; }
  // The instant windows count back from (micros since the epoch, UTC).
  int64_t as_of_micros() const { return as_of_; }

 private:
  friend class ConditionBuilder;
  // AudienceSql with the audiences being compiled around it, to refuse cycles.
  Result<std::string> AudienceSqlWithin(std::string_view name, std::set<std::string>& stack) const;

  const Project& p_;
  const Dialect& d_;
  const expr::BoundProject& bound_;
  int64_t as_of_;
  std::string profiles_;
  bool inline_traits_ = false;
};

}  // namespace zcdp::audience
