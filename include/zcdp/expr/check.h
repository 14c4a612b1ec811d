#pragma once

#include "zcdp/expr/bound.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

namespace zcdp::expr {

// What `zcdp validate` asks of the conditions: BindProject for its diagnostics only. Every
// audience condition and trait filter is parsed and type-checked against `catalog`, and
// in_audience cycles are named; problems go to `diags`.
void CheckProjectConditions(const Project& project, const Catalog& catalog, Diagnostics& diags);

}  // namespace zcdp::expr
