#include "zcdp/expr/catalog.h"
#include "zcdp/step/step.h"

namespace zcdp {

Result<const expr::BoundProject*> BoundConditionsCache::Get(const Project& project, Warehouse& wh) {
  if (!bound_) {
    ZCDP_ASSIGN_OR_RETURN(expr::Catalog catalog, expr::LoadCatalog(project, wh));
    // Tolerant: a condition with a problem leaves out its audience or trait filter (and its
    // dependents), which the steps then report as failed items; the rest runs.
    Diagnostics diags(project.file);
    bound_ = expr::BindProject(project, catalog, diags);
    std::erase_if(bound_->audiences,
                  [&](const expr::BoundAudience& a) { return invalid_.count(a.name) != 0; });
  }
  return &*bound_;
}

bool RunFailures::Failed(std::string_view kind, std::string_view name) const {
  for (const auto& f : failures_) {
    if (f.kind == kind && f.name == name) return true;
  }
  return false;
}

Status RestartStepTransaction(Warehouse& wh) {
  if (!wh.InTransaction()) return Status::Ok();
  ZCDP_RETURN_IF_ERROR(wh.Rollback());
  return wh.Begin();
}

}  // namespace zcdp
