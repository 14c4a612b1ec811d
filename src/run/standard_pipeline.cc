#include "zcdp/identity/identity.h"
#include "zcdp/run/pipeline.h"

#include "run/sources_step.h"

namespace zcdp {

Pipeline StandardPipeline() {
  Pipeline p;
  // Stages register here, after the steps they depend on; traits, audiences and syncs follow.
  (void)p.Add(SourcesStep());
  (void)p.Add(IdentityStep());
  return p;
}

}  // namespace zcdp
