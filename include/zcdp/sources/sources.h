#pragma once

#include "zcdp/step/step.h"

namespace zcdp {

// Step "sources" (the first): exposes every source as a view in the output schema
// (SourceViewName) and counts its rows ("<source>.rows", and "sources").
Step SourcesStep();

}  // namespace zcdp
