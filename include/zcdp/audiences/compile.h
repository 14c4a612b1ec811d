#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "zcdp/audiences/catalog.h"
#include "zcdp/audiences/ir.h"
#include "zcdp/common/status.h"
#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::audience {

// Compiles conditions of the audience language to SQL through a Dialect. User values are
// never concatenated raw: strings go through Dialect::QuoteString, names through
// QuoteIdentifier, and numbers, dates and durations are emitted from the parser's validated
// canonical text. Windows are relative to the engine's current timestamp.
// Conditions must have passed CheckCondition; the compiler assumes names and types are valid.
// Builds a SELECT of profile_id plus only the named traits, one row per profile of `base`
// (a relation with a profile_id column; every profile when empty): the traits stage's
// ProfilesSql restricted to them. Lets an audience compute just what it reads.
using TraitsSql = std::function<Result<std::string>(const std::vector<std::string>& traits,
                                                    const std::string& base)>;
// Makes a TraitsSql for a project; how the stages above hand the traits compiler down.
using TraitsSqlFactory =
    std::function<TraitsSql(const Project&, const Dialect&, const struct Catalog&)>;

class Compiler {
 public:
  // `profiles_relation` is the relation with one row per profile (profile_id plus one column
  // per trait): "<output_schema>.profiles" when empty.
  // With `traits_sql` and no `profiles_relation`, conditions on traits read only the traits
  // they name, computed inline, instead of the whole profiles relation.
  Compiler(const Project& project, const Dialect& dialect, const Catalog& catalog,
           std::string profiles_relation = "", TraitsSql traits_sql = {});

  // A SELECT of the distinct profile_id values in audience `name`; in_audience() is
  // compiled inline. NotFound for an unknown audience, InvalidArgument when the condition
  // does not parse or refers to audiences in a cycle.
  Result<std::string> AudienceSql(std::string_view name) const;

  // A SELECT of the profile_id values for which `condition` holds.
  Result<std::string> ConditionSql(const Expr& condition) const;

  // A source's rows with the profile each belongs to: a parenthesised relation with
  // profile_id and every column of the source. Rows outside every profile are left out.
  std::string ProfileRows(const SourceConfig& source) const;

  // A boolean SQL expression for a filter over a source's columns, qualified by `alias`.
  // A comparison with a missing (NULL) value is false.
  std::string FilterSql(const Expr& filter, std::string_view alias) const;

  // A boolean SQL expression: the timestamp expression `ts` lies in `window` (TRUE when the
  // window is kNone).
  std::string WindowSql(const Window& window, std::string_view ts) const;

  // The relation of profiles: see the constructor.
  const std::string& profiles_relation() const { return profiles_; }
  const Dialect& dialect() const { return d_; }
  const Project& project() const { return p_; }

 private:
  friend class ConditionBuilder;
  // AudienceSql with the audiences being compiled around it, to refuse cycles.
  Result<std::string> AudienceSqlWithin(std::string_view name, std::set<std::string>& stack) const;

  const Project& p_;
  const Dialect& d_;
  const Catalog& catalog_;
  std::string profiles_;
  TraitsSql traits_sql_;
};

// `parts` joined with `sep` ("a AND b"): how the compilers assemble SQL from pieces.
std::string Join(const std::vector<std::string>& parts, const std::string& sep);

// The literal as SQL: quoted text, a number, CAST('..' AS DATE), TRUE/FALSE, an interval.
std::string LiteralSql(const Literal& literal, const Dialect& dialect);

}  // namespace zcdp::audience
