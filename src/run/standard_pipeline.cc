#include "run/sources_step.h"
#include "zcdp/run/pipeline.h"

namespace zcdp {

Pipeline StandardPipeline() {
  Pipeline p;
  // Later stages register here, after the steps they depend on:
  // identity (after sources), traits, audiences, syncs.
  (void)p.Add(SourcesStep());
  return p;
}

}  // namespace zcdp
