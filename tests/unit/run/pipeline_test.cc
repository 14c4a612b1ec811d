#include "zcdp/run/pipeline.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "zcdp/run/state_dir.h"
#include "zcdp/step/ownership.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;

class FakeClock final : public Clock {
 public:
  int64_t NowMicros() const override { return now_ += 1'000'000; }

 private:
  mutable int64_t now_ = 1'700'000'000'000'000;
};

Step MakeStep(std::string name, std::vector<std::string> deps, std::vector<std::string>* log) {
  return {name, "", std::move(deps), [log, name](StepContext&) -> Result<StepCounts> {
            log->push_back(name);
            return StepCounts{{name + ".done", 1}};
          }};
}

TEST(Pipeline, OrdersStepsByDependencies) {
  std::vector<std::string> log;
  Pipeline p;
  ASSERT_TRUE(p.Add(MakeStep("audiences", {"traits"}, &log)).ok());
  ASSERT_TRUE(p.Add(MakeStep("traits", {"identity"}, &log)).ok());
  ASSERT_TRUE(p.Add(MakeStep("identity", {"sources"}, &log)).ok());
  ASSERT_TRUE(p.Add(MakeStep("sources", {}, &log)).ok());
  auto order = p.Order();
  ASSERT_TRUE(order.ok());
  std::vector<std::string> names;
  for (const Step* s : *order) names.push_back(s->name);
  EXPECT_EQ(names, (std::vector<std::string>{"sources", "identity", "traits", "audiences"}));
}

TEST(Pipeline, RejectsDuplicatesUnknownDependenciesAndCycles) {
  std::vector<std::string> log;
  Pipeline dup;
  ASSERT_TRUE(dup.Add(MakeStep("a", {}, &log)).ok());
  EXPECT_EQ(dup.Add(MakeStep("a", {}, &log)).code(), StatusCode::kAlreadyExists);

  Pipeline unknown;
  ASSERT_TRUE(unknown.Add(MakeStep("a", {"nope"}, &log)).ok());
  EXPECT_NE(unknown.Order().status().message().find("unknown step 'nope'"), std::string::npos);

  Pipeline cycle;
  ASSERT_TRUE(cycle.Add(MakeStep("a", {"b"}, &log)).ok());
  ASSERT_TRUE(cycle.Add(MakeStep("b", {"a"}, &log)).ok());
  ASSERT_TRUE(cycle.Add(MakeStep("c", {}, &log)).ok());
  auto order = cycle.Order();
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.status().message().find("cycle: a, b"), std::string::npos);
}

Project MemoryProject() {
  Project p;
  p.name.value = "test";
  p.warehouse.output_schema = "zcdp";
  return p;
}

TEST(RunPipeline, RecordsRunsAndStepCountsInTheOutputSchema) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  std::vector<std::string> log;
  Pipeline p;
  ASSERT_TRUE(p.Add(MakeStep("first", {}, &log)).ok());
  ASSERT_TRUE(p.Add(MakeStep("second", {"first"}, &log)).ok());
  Project project = MemoryProject();
  FakeClock clock;
  RunOptions options;
  options.clock = &clock;
  for (int expected_id = 1; expected_id <= 2; ++expected_id) {
    auto summary = RunPipeline(p, project, **wh, options);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    EXPECT_EQ(summary->run_id, expected_id);
    EXPECT_EQ(summary->status, RunStatus::kSucceeded);
  }
  auto runs = (*wh)->Query(
      "SELECT run_id, status, started_at < finished_at, "
      "json_array_length(steps) FROM zcdp.runs ORDER BY run_id");
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  ASSERT_EQ(runs->rows.size(), 2u);
  EXPECT_EQ(runs->rows[1][1], Value::Text("succeeded"));
  EXPECT_EQ(runs->rows[1][2], Value::Bool(true));
  EXPECT_EQ(runs->rows[1][3], Value::Int(2));
  auto steps = (*wh)->Query(
      "SELECT step, status, counts->>'$.\"second.done\"' FROM zcdp.run_steps "
      "WHERE run_id = 2 ORDER BY position");
  ASSERT_TRUE(steps.ok()) << steps.status().message();
  ASSERT_EQ(steps->rows.size(), 2u);
  EXPECT_EQ(steps->rows[0][0], Value::Text("first"));
  EXPECT_EQ(steps->rows[1][2], Value::Text("1"));
}

// An interrupt (RunOptions::cancelled) that makes a step fail is recorded as `interrupted`,
// for the step and the run, in zcdp.runs and zcdp.run_steps; later steps do not run.
TEST(RunPipeline, AnInterruptedRunIsRecordedAsInterrupted) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  std::vector<std::string> log;
  bool interrupted = false;
  Pipeline p;
  ASSERT_TRUE(p.Add({"stopped",
                     "",
                     {},
                     [&interrupted](StepContext&) -> Result<StepCounts> {
                       interrupted = true;  // Ctrl-C arrives while the step runs
                       return Status::Warehouse("statement was cancelled (interrupted)");
                     }})
                  .ok());
  ASSERT_TRUE(p.Add(MakeStep("after", {"stopped"}, &log)).ok());
  RunOptions options;
  options.cancelled = [&interrupted] { return interrupted; };
  auto summary = RunPipeline(p, MemoryProject(), **wh, options);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->status, RunStatus::kInterrupted);
  ASSERT_EQ(summary->steps.size(), 1u);
  EXPECT_EQ(summary->steps[0].status, RunStatus::kInterrupted);
  EXPECT_TRUE(log.empty());
  auto runs = (*wh)->Query("SELECT status FROM zcdp.runs");
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->rows.at(0).at(0), Value::Text("interrupted"));
  auto steps = (*wh)->Query("SELECT status FROM zcdp.run_steps WHERE step = 'stopped'");
  ASSERT_TRUE(steps.ok());
  EXPECT_EQ(steps->rows.at(0).at(0), Value::Text("interrupted"));
}

TEST(RunPipeline, AFailedStepRollsBackItsWritesAndStopsTheRun) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  std::vector<std::string> log;
  Pipeline p;
  ASSERT_TRUE(p.Add({"breaks",
                     "",
                     {},
                     [](StepContext& ctx) -> Result<StepCounts> {
                       ZCDP_RETURN_IF_ERROR(
                           ctx.warehouse.Execute("CREATE TABLE zcdp.partial (a INT)"));
                       return Status::Warehouse("boom");
                     }})
                  .ok());
  ASSERT_TRUE(p.Add(MakeStep("after", {"breaks"}, &log)).ok());
  auto summary = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->status, RunStatus::kFailed);
  ASSERT_EQ(summary->steps.size(), 1u);
  EXPECT_EQ(summary->steps[0].error, "boom");
  EXPECT_TRUE(log.empty());
  auto tables = (*wh)->ListTables("zcdp");
  ASSERT_TRUE(tables.ok());
  for (const auto& t : *tables) EXPECT_NE(t.name, "partial");
  auto runs = (*wh)->Query("SELECT status FROM zcdp.runs");
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->rows.at(0).at(0), Value::Text("failed"));
}

// zcdp never touches what it did not create: a run over an output schema that holds a user's
// table, or a user's view, writes nothing and leaves the user's rows as they were.
TEST(RunPipeline, RefusesAnOutputSchemaHoldingObjectsItDidNotCreate) {
  for (const char* create : {"CREATE TABLE zcdp.profiles AS SELECT 1 AS id, 'mine' AS note",
                             "CREATE VIEW zcdp.runs AS SELECT 1 AS id, 'mine' AS note",
                             "CREATE TABLE zcdp.anything_else AS SELECT 1 AS id, 'mine' AS note"}) {
    SCOPED_TRACE(create);
    auto wh = OpenWarehouse({.path = ":memory:"});
    ASSERT_TRUE(wh.ok());
    ASSERT_TRUE((*wh)->Execute("CREATE SCHEMA zcdp").ok());
    ASSERT_TRUE((*wh)->Execute(create).ok());
    std::vector<std::string> log;
    Pipeline p;
    ASSERT_TRUE(p.Add({"replaces",
                       "",
                       {},
                       [&log](StepContext& ctx) -> Result<StepCounts> {
                         log.push_back("ran");
                         ZCDP_RETURN_IF_ERROR(ctx.warehouse.Execute(
                             "CREATE OR REPLACE TABLE zcdp.profiles AS SELECT 2 AS id"));
                         return StepCounts{};
                       }})
                    .ok());
    auto summary = RunPipeline(p, MemoryProject(), **wh);
    ASSERT_FALSE(summary.ok());
    EXPECT_EQ(summary.status().code(), StatusCode::kAlreadyExists);
    EXPECT_NE(summary.status().message().find("which zcdp did not create"), std::string::npos)
        << summary.status().message();
    EXPECT_TRUE(log.empty());
    auto tables = (*wh)->ListTables("zcdp");
    ASSERT_TRUE(tables.ok());
    ASSERT_EQ(tables->size(), 1u) << "nothing was created beside the user's object";
    auto rows = (*wh)->Query("SELECT note FROM zcdp." + tables->at(0).name);
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->rows.at(0).at(0), Value::Text("mine"));
  }
}

// What a run creates carries zcdp's marker, so that the next run may replace it; objects of a
// zcdp that predates markers (unmarked, next to its own runs table) are adopted.
TEST(RunPipeline, MarksWhatItCreatesAndAdoptsAnUnmarkedEarlierRun) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  Pipeline p;
  ASSERT_TRUE(p.Add({"creates",
                     "",
                     {},
                     [](StepContext& ctx) -> Result<StepCounts> {
                       ZCDP_RETURN_IF_ERROR(ctx.warehouse.Execute(
                           "CREATE OR REPLACE TABLE zcdp.profiles AS SELECT 2 AS id"));
                       return StepCounts{};
                     }})
                  .ok());
  ASSERT_TRUE(RunPipeline(p, MemoryProject(), **wh).ok());
  auto tables = (*wh)->ListTables("zcdp");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 3u);  // profiles, runs, run_steps
  for (const auto& t : *tables) EXPECT_TRUE(IsOwned(t)) << t.name << ": '" << t.comment << "'";
  ASSERT_TRUE(RunPipeline(p, MemoryProject(), **wh).ok()) << "replaces what it owns";

  for (const auto& t : *tables) {
    ASSERT_TRUE((*wh)->Execute("COMMENT ON TABLE zcdp." + t.name + " IS NULL").ok());
  }
  auto adopted = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(adopted.ok()) << adopted.status().message();
  tables = (*wh)->ListTables("zcdp");
  ASSERT_TRUE(tables.ok());
  for (const auto& t : *tables) EXPECT_TRUE(IsOwned(t)) << t.name;
}

TEST(StateDir, LockIsExclusiveAndLastRunHoldsOnlyMetadata) {
  const fs::path dir = fs::temp_directory_path() / "zcdp_state_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  Project project = MemoryProject();
  project.dir = dir.string();
  auto state = StateDir::Open(project);
  ASSERT_TRUE(state.ok());
  {
    auto lock = state->LockRuns();
    ASSERT_TRUE(lock.ok());
    auto second = state->LockRuns();
    EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  }
  EXPECT_TRUE(state->LockRuns().ok());  // released with the first lock
  RunSummary summary;
  summary.run_id = 7;
  summary.status = RunStatus::kFailed;
  summary.steps.push_back({"sources", RunStatus::kFailed, {{"rows", 3}}, 0, 1, "secret@x.com"});
  ASSERT_TRUE(state->WriteLastRun(summary).ok());
  std::ifstream in(dir / ".zcdp" / "last_run.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"run_id\": 7"), std::string::npos);
  EXPECT_EQ(text.find("secret@x.com"), std::string::npos);  // error texts stay in the warehouse
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zcdp
