#include "zcdp/activation/sync.h"
#include "zcdp/audiences/membership.h"
#include "zcdp/identity/identity.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/sources/sources.h"
#include "zcdp/traits/traits.h"

namespace zcdp {

Pipeline StandardPipeline() {
  Pipeline p;
  // Stages register here, after the steps they depend on; syncs follow.
  (void)p.Add(SourcesStep());
  (void)p.Add(IdentityStep());
  (void)p.Add(TraitsStep());
  (void)p.Add(audience::AudiencesStep());
  (void)p.Add(activation::SyncStep());
  return p;
}

}  // namespace zcdp
