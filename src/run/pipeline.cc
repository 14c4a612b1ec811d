#include "zcdp/run/pipeline.h"

#include <set>

namespace zcdp {

Status Pipeline::Add(Step step) {
  for (const auto& s : steps_) {
    if (s.name == step.name)
      return Status::AlreadyExists("step '" + step.name + "' is defined twice");
  }
  steps_.push_back(std::move(step));
  return Status::Ok();
}

Result<std::vector<const Step*>> Pipeline::Order() const {
  std::map<std::string, const Step*> by_name;
  for (const auto& s : steps_) by_name[s.name] = &s;
  for (const auto& s : steps_) {
    for (const auto& dep : s.depends_on) {
      if (by_name.count(dep) == 0) {
        return Status::Invalid("step '" + s.name + "' depends on unknown step '" + dep + "'");
      }
    }
  }
  // Kahn's algorithm, scanning in insertion order so that the result is deterministic.
  std::vector<const Step*> order;
  std::set<std::string> done;
  while (order.size() < steps_.size()) {
    bool progressed = false;
    for (const auto& s : steps_) {
      if (done.count(s.name) != 0) continue;
      bool ready = true;
      for (const auto& dep : s.depends_on) ready = ready && done.count(dep) != 0;
      if (!ready) continue;
      order.push_back(&s);
      done.insert(s.name);
      progressed = true;
    }
    if (!progressed) {
      std::string stuck;
      for (const auto& s : steps_) {
        if (done.count(s.name) == 0) stuck += (stuck.empty() ? "" : ", ") + s.name;
      }
      return Status::Invalid("steps form a dependency cycle: " + stuck);
    }
  }
  return order;
}

std::string_view RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kInterrupted:
      return "interrupted";
    case RunStatus::kPartial:
      return "partial";
    case RunStatus::kAbandoned:
      return "abandoned";
  }
  return "unknown";
}

}  // namespace zcdp
