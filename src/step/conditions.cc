#include "zcdp/expr/catalog.h"
#include "zcdp/step/step.h"

namespace zcdp {

Result<const expr::BoundProject*> BoundConditionsCache::Get(const Project& project, Warehouse& wh) {
  if (!bound_) {
    ZCDP_ASSIGN_OR_RETURN(expr::Catalog catalog, expr::LoadCatalog(project, wh));
    ZCDP_ASSIGN_OR_RETURN(expr::BoundProject bound, expr::BindAll(project, catalog));
    bound_ = std::move(bound);
  }
  return &*bound_;
}

}  // namespace zcdp
