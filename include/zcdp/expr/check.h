#pragma once

#include <string>
#include <vector>

#include "zcdp/expr/catalog.h"
#include "zcdp/expr/ir.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp::expr {

// One type or name error in a condition, at a position in the condition's text.
struct Problem {
  Position pos;
  std::string message;
};

// Checks an audience condition: traits, audiences, sources and filter columns exist; the
// literal fits the type of what it is compared with; windows need a source timestamp;
// `contains` applies to text. Every problem is returned, with did-you-mean hints.
std::vector<Problem> CheckCondition(const Expr& condition, const Project& project,
                                    const Catalog& catalog);

// Checks a filter over the columns of `source` (a trait's `where`, or an event's `where`):
// names are columns; aggregates, exists and in_audience are not allowed.
std::vector<Problem> CheckFilter(const Expr& filter, const std::string& source,
                                 const Catalog& catalog);

// Parses and checks every audience condition and trait filter of the project, and the
// in_audience references for cycles. Problems go to `diags` at the project file position
// of the `where`, with the line and column inside the condition.
void CheckProjectConditions(const Project& project, const Catalog& catalog, Diagnostics& diags);

// Audience names in an order where every in_audience() reference comes first. Fails with
// InvalidArgument naming the cycle when there is one, or an audience that does not parse.
Result<std::vector<std::string>> AudienceOrder(const Project& project);

}  // namespace zcdp::expr
