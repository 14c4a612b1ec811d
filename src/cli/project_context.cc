#include <cstdio>
#include <filesystem>
#include <optional>

#include "zcdp/expr/check.h"
#include "zcdp/model/validate.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/run/state_dir.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/traits/traits.h"

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

namespace zcdp::cli {

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kIoError:
    case StatusCode::kUnavailable:
      return kExitEnvironment;
    default:
      return kExitFailed;
  }
}

int Fail(const Status& status) {
  std::fprintf(stderr, "zcdp: error: %s\n", status.message().c_str());
  return ExitCodeFor(status);
}

namespace {

Result<std::unique_ptr<Warehouse>> OpenWarehouseFor(const Project& project, Access access) {
  ZCDP_ASSIGN_OR_RETURN(WarehouseOptions options, WarehouseOptionsFor(project.warehouse));
  options.read_only = access == Access::kReadOnly;
  std::error_code ec;
  if (options.type == "duckdb" && options.read_only && !std::filesystem::exists(options.path, ec)) {
    options.path = ":memory:";  // nothing written yet: file sources can still be read
  }
  return OpenWarehouse(options);
}

// Parses and type-checks audience conditions and trait filters against the sources' columns.
// Returns the catalog, or nothing when a source cannot be described (ValidateAgainstWarehouse
// has then said why; checking names against a partial catalog would only add noise).
std::optional<expr::Catalog> CheckConditions(const Project& project, Warehouse& wh,
                                             Diagnostics& diags) {
  Result<expr::Catalog> catalog = expr::LoadCatalog(project, wh);
  if (!catalog.ok()) {
    if (!diags.has_errors()) {
      diags.Error({}, "cannot check audience conditions: " + catalog.status().message());
    }
    return std::nullopt;
  }
  expr::CheckProjectConditions(project, *catalog, diags);
  return std::move(*catalog);
}

}  // namespace

int OpenProject(const std::string& file_or_dir, Access access, bool validate, OpenedProject* out) {
  const std::string path = ResolveProjectPath(file_or_dir);
  Diagnostics diags(path);
  std::optional<Project> project = LoadProject(path, diags);
  if (!project) {
    std::fputs(diags.ToString().c_str(), stderr);
    return kExitFailed;
  }
  // Validate on a read-only connection first, so that an invalid project writes nothing (not
  // even a new, empty DuckDB file).
  auto wh = OpenWarehouseFor(*project, validate ? Access::kReadOnly : access);
  if (!wh.ok()) {
    std::fputs(diags.ToString().c_str(), stderr);
    return Fail(wh.status());
  }
  std::unique_ptr<Warehouse> conn = std::move(wh).value();
  std::optional<expr::Catalog> catalog;
  if (validate) {
    ValidateAgainstWarehouse(*project, *conn, diags);
    catalog = CheckConditions(*project, *conn, diags);
  }
  if (!diags.all().empty()) std::fputs(diags.ToString().c_str(), stderr);
  if (diags.has_errors()) return kExitFailed;
  if (validate && access == Access::kReadWrite) {
    conn.reset();  // release the read-only handle before opening for writing
    auto rw = OpenWarehouseFor(*project, access);
    if (!rw.ok()) return Fail(rw.status());
    conn = std::move(rw).value();
  }
  out->project = std::move(*project);
  out->warehouse = std::move(conn);
  out->catalog = std::move(catalog);
  return kExitOk;
}

namespace {
std::optional<FixedClock> fixed_as_of;  // set by --as-of
}  // namespace

const Clock& AsOfClock() {
  if (fixed_as_of) return *fixed_as_of;
  return SystemClock::Instance();
}

void SetAsOf(int64_t micros) { fixed_as_of.emplace(micros); }

audience::Compiler AudienceCompiler(const OpenedProject& opened, int64_t as_of_micros) {
  const Project& p = opened.project;
  const Dialect& d = opened.warehouse->dialect();
  return audience::Compiler(p, d, *opened.catalog, as_of_micros, "",
                            p.profiles.materialize ? audience::TraitValues::kProfilesRelation
                                                   : audience::TraitValues::kInline);
}

int RunProject(const Project& project, Warehouse& wh, bool full_refresh) {
  return RunProjectPipeline(project, wh, StandardPipeline(), full_refresh);
}

int RunProjectPipeline(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                       bool full_refresh) {
  Result<StateDir> state = StateDir::Open(project);
  if (!state.ok()) return Fail(state.status());
  Result<StateDir::Lock> lock = state->LockRuns();
  if (!lock.ok()) return Fail(lock.status());
  Progress progress;
  const CancelOnInterrupt cancel_on_interrupt(wh);
  RunOptions options;
  options.clock = &AsOfClock();
  options.full_refresh = full_refresh;
  options.cancelled = [&cancel_on_interrupt] { return cancel_on_interrupt.interrupted(); };
  options.on_progress = [&progress](const std::string& step, double f) {
    progress.Update(step, f);
  };
  options.on_step_done = [&progress](const StepOutcome& s) {
    progress.Done();
    std::printf("  %-10s %-9s %6.2fs\n", s.name.c_str(),
                std::string(RunStatusName(s.status)).c_str(),
                static_cast<double>(s.finished_micros - s.started_micros) / 1e6);
    // Counts wrapped to a readable width under the step's line.
    std::string line;
    for (const auto& [k, v] : s.counts) {
      const std::string item = k + "=" + std::to_string(v);
      if (!line.empty() && line.size() + item.size() > 80) {
        std::printf("      %s\n", line.c_str());
        line.clear();
      }
      line += (line.empty() ? "" : "  ") + item;
    }
    if (!line.empty()) std::printf("      %s\n", line.c_str());
    if (!s.error.empty())
      std::fprintf(stderr, "zcdp: error: step %s: %s\n", s.name.c_str(), s.error.c_str());
  };
  Result<RunSummary> summary = RunPipeline(pipeline, project, wh, options);
  if (!summary.ok()) return Fail(summary.status());
  Status saved = state->WriteLastRun(*summary);
  if (!saved.ok()) return Fail(saved);
  std::printf("run %lld %s in %.2fs (record: %s.runs)\n", static_cast<long long>(summary->run_id),
              std::string(RunStatusName(summary->status)).c_str(),
              static_cast<double>(summary->finished_micros - summary->started_micros) / 1e6,
              project.warehouse.output_schema.c_str());
  return summary->status == RunStatus::kSucceeded ? kExitOk : kExitFailed;
}

}  // namespace zcdp::cli
