#include <cstdio>
#include <optional>

#include "zcdp/app/run.h"
#include "zcdp/common/log.h"
#include "zcdp/run/pipeline.h"

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

namespace zcdp::cli {

bool Quiet() { return GetLogLevel() >= LogLevel::kError; }

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

int Opened(Result<OpenedProject> opened, const Diagnostics& diags, OpenedProject* out) {
  if (!diags.all().empty()) std::fputs(diags.ToString().c_str(), stderr);
  if (!opened.ok()) {
    return app::IsProjectInvalid(opened.status()) ? kExitFailed : Fail(opened.status());
  }
  *out = std::move(opened).value();
  out->as_of_micros = AsOfClock().NowMicros();
  return kExitOk;
}

}  // namespace

int OpenProject(const std::string& file_or_dir, Access access, bool validate, OpenedProject* out) {
  Diagnostics diags("");
  Result<OpenedProject> opened = app::OpenProject(file_or_dir, access, validate, &diags);
  return Opened(std::move(opened), diags, out);
}

int OpenProjectToRun(const std::string& file_or_dir, OpenedProject* out) {
  Diagnostics diags("");
  Result<OpenedProject> opened = app::OpenProjectToRun(file_or_dir, &diags);
  return Opened(std::move(opened), diags, out);
}

namespace {

// A finished step's line (name, status, seconds), its counts wrapped to a readable width
// under it, and its error on stderr.
void PrintStepOutcome(const StepOutcome& s) {
  if (!s.error.empty())
    std::fprintf(stderr, "zcdp: error: step %s: %s\n", s.name.c_str(), s.error.c_str());
  for (const ItemFailure& f : s.failures) {
    std::fprintf(stderr, "zcdp: error: step %s: %s %s %s: %s\n", s.name.c_str(), f.kind.c_str(),
                 f.name.c_str(), f.skipped ? "skipped" : "failed", f.error.c_str());
  }
  if (Quiet()) return;
  std::printf("  %-10s %-9s %6.2fs\n", s.name.c_str(), std::string(RunStatusName(s.status)).c_str(),
              static_cast<double>(s.finished_micros - s.started_micros) / 1e6);
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
}

std::optional<FixedClock> fixed_as_of;  // set by --as-of

}  // namespace

const Clock& AsOfClock() {
  if (fixed_as_of) return *fixed_as_of;
  return SystemClock::Instance();
}

void SetAsOf(int64_t micros) { fixed_as_of.emplace(micros); }

int RunProject(const Project& project, Warehouse& wh, bool full_refresh,
               const std::map<std::string, std::string>& invalid_audiences) {
  return RunProjectPipeline(project, wh, StandardPipeline(), full_refresh, invalid_audiences);
}

int RunProjectPipeline(const Project& project, Warehouse& wh, const Pipeline& pipeline,
                       bool full_refresh,
                       const std::map<std::string, std::string>& invalid_audiences) {
  Progress progress;
  const CancelOnInterrupt cancel_on_interrupt(wh);
  RunOptions options;
  options.clock = &AsOfClock();
  options.full_refresh = full_refresh;
  options.invalid_audiences = invalid_audiences;
  options.cancelled = [&cancel_on_interrupt] { return cancel_on_interrupt.interrupted(); };
  options.on_progress = [&progress](const std::string& step, double f) {
    progress.Update(step, f);
  };
  options.on_step_done = [&progress](const StepOutcome& s) {
    progress.Done();
    PrintStepOutcome(s);
  };
  Result<RunSummary> summary = app::RunProject(project, wh, pipeline, options);
  if (!summary.ok()) return Fail(summary.status());
  if (summary->status == RunStatus::kInterrupted) {
    std::fprintf(stderr, "zcdp: run %lld interrupted (recorded in %s.runs)\n",
                 static_cast<long long>(summary->run_id), project.warehouse.output_schema.c_str());
    return kExitInterrupted;
  }
  if (!Quiet()) {
    std::printf("run %lld %s in %.2fs (record: %s.runs)\n", static_cast<long long>(summary->run_id),
                std::string(RunStatusName(summary->status)).c_str(),
                static_cast<double>(summary->finished_micros - summary->started_micros) / 1e6,
                project.warehouse.output_schema.c_str());
  }
  switch (summary->status) {
    case RunStatus::kSucceeded:
      return kExitOk;
    case RunStatus::kPartial:
      return kExitPartial;
    default:
      return kExitFailed;
  }
}

}  // namespace zcdp::cli
