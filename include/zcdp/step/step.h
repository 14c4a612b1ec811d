#pragma once

// The unit every stage contributes to `zcdp run`: a named step with its dependencies. Stages
// include this header, never the orchestrator (zcdp/run/pipeline.h), which sits above them.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/expr/bound.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// The project's conditions, bound once for a whole run: the first step that asks describes
// the sources and binds (expr::BindAll); later steps get the same bound form.
class BoundConditionsCache {
 public:
  // The bound conditions of `project`, binding them on the first call. Fails when a source
  // cannot be described or a condition has a problem (validation catches both before a run).
  Result<const expr::BoundProject*> Get(const Project& project, Warehouse& wh);

 private:
  std::optional<expr::BoundProject> bound_;
};

// What a step sees while it runs.
struct StepContext {
  const Project& project;
  Warehouse& warehouse;
  int64_t run_id;
  // The run's instant (micros since the epoch, UTC, from RunOptions::clock): trait and
  // audience windows count back from it and membership changes are stamped with it.
  int64_t as_of_micros = 0;
  // Re-read every source in full, ignoring watermarks.
  bool full_refresh = false;
  // Reports progress of the current step as a fraction in [0, 1]. Never null.
  std::function<void(double)> progress;
  // True once the user asked the run to stop (Ctrl-C). A step that works outside a single
  // statement (a sync, between batches) stops at the next safe point and fails. Never null.
  std::function<bool()> cancelled;
  // Shared by the steps of one run (the orchestrator passes one); never null.
  std::shared_ptr<BoundConditionsCache> conditions = std::make_shared<BoundConditionsCache>();

  // The project's bound conditions (see BoundConditionsCache::Get).
  Result<const expr::BoundProject*> BoundConditions() {
    return conditions->Get(project, warehouse);
  }
};

// Named counts a step produced ("customers.rows": 12000). Never customer values.
using StepCounts = std::map<std::string, int64_t>;

// One named unit of work in `zcdp run`. Stages (identity, traits, audiences, syncs) plug in
// by registering steps with their dependencies.
struct Step {
  std::string name;
  std::string description;
  std::vector<std::string> depends_on;
  std::function<Result<StepCounts>(StepContext&)> run;
};

}  // namespace zcdp
