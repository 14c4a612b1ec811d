#pragma once

// The unit every stage contributes to `zcdp run`: a named step with its dependencies. Stages
// include this header, never the orchestrator (zcdp/run/pipeline.h), which sits above them.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  // cannot be described. An audience or a trait filter with a problem (validation catches
  // them before a run) is left out of the result, with the audiences that refer to it.
  Result<const expr::BoundProject*> Get(const Project& project, Warehouse& wh);
  // Audiences validation refused (name -> its positioned problems): left out of Get's
  // result even when they bind at run time (the run binds without the engine's types of
  // sql traits), so that the run sets aside exactly what `zcdp validate` refuses.
  // REQUIRES: called before the first Get.
  void SetInvalid(std::map<std::string, std::string> problems) { invalid_ = std::move(problems); }
  // The problems validation found in audience `name`, or nullptr.
  const std::string* Problem(const std::string& name) const {
    auto it = invalid_.find(name);
    return it == invalid_.end() ? nullptr : &it->second;
  }

 private:
  std::optional<expr::BoundProject> bound_;
  std::map<std::string, std::string> invalid_;
};

// A trait, audience or destination that failed, or was skipped because what it reads failed,
// while the rest of its step went on. Holds names and zcdp's or the warehouse's message,
// never customer values of zcdp's making.
struct ItemFailure {
  std::string kind;  // "trait", "audience" or "destination"
  std::string name;
  std::string error;     // why it failed, or why it was skipped
  bool skipped = false;  // not attempted: something it depends on failed in this run
};

// The item failures of one run, in the order they happened. Steps add theirs and read those
// of earlier steps to skip dependents. Not thread-safe.
class RunFailures {
 public:
  void Add(ItemFailure failure) { failures_.push_back(std::move(failure)); }
  // True when the item `kind`/`name` failed or was skipped earlier in the run.
  bool Failed(std::string_view kind, std::string_view name) const;
  const std::vector<ItemFailure>& all() const { return failures_; }

 private:
  std::vector<ItemFailure> failures_;
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
  // The run's item failures (shared by its steps; never null). A step that sets an item
  // aside adds it here and goes on with the others; it is then recorded as partial.
  std::shared_ptr<RunFailures> failures = std::make_shared<RunFailures>();

  // The project's bound conditions (see BoundConditionsCache::Get).
  Result<const expr::BoundProject*> BoundConditions() {
    return conditions->Get(project, warehouse);
  }
};

// Rolls back what the running step wrote in its transaction and begins a new one, so that a
// step can set aside an item whose statement failed (which aborts the transaction on both
// engines) and go on with the others. Does nothing outside a transaction.
Status RestartStepTransaction(Warehouse& wh);

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
