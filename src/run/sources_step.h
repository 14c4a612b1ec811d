#pragma once

#include "zcdp/run/pipeline.h"

namespace zcdp {

// Step "sources": exposes every source as a view in the output schema (files and globs are
// read in place, nothing is imported) and counts its rows.
Step SourcesStep();

}  // namespace zcdp
