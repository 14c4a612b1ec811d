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

// A step that sets items aside commits the rest: it and the run are partial, later steps
// still run (and see what failed), and run_steps.failures names each item with its reason.
TEST(RunPipeline, AStepWithFailedItemsIsPartialAndTheRunGoesOn) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  bool later_saw_it = false;
  Pipeline p;
  ASSERT_TRUE(p.Add({"traits",
                     "",
                     {},
                     [](StepContext& ctx) -> Result<StepCounts> {
                       ZCDP_RETURN_IF_ERROR(
                           ctx.warehouse.Execute("CREATE TABLE zcdp.kept (a INT)"));
                       ctx.failures->Add({"trait", "broken", "no such column"});
                       return StepCounts{{"traits", 2}};
                     }})
                  .ok());
  ASSERT_TRUE(p.Add({"audiences",
                     "",
                     {"traits"},
                     [&later_saw_it](StepContext& ctx) -> Result<StepCounts> {
                       later_saw_it = ctx.failures->Failed("trait", "broken");
                       return StepCounts{};
                     }})
                  .ok());
  auto summary = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->status, RunStatus::kPartial);
  ASSERT_EQ(summary->steps.size(), 2u);
  EXPECT_EQ(summary->steps[0].status, RunStatus::kPartial);
  ASSERT_EQ(summary->steps[0].failures.size(), 1u);
  EXPECT_EQ(summary->steps[0].failures[0].name, "broken");
  EXPECT_EQ(summary->steps[1].status, RunStatus::kSucceeded);
  EXPECT_TRUE(summary->steps[1].failures.empty());
  EXPECT_TRUE(later_saw_it);
  EXPECT_TRUE((*wh)->Query("SELECT * FROM zcdp.kept").ok()) << "the partial step committed";
  auto runs = (*wh)->Query("SELECT status FROM zcdp.runs");
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(runs->rows.at(0).at(0), Value::Text("partial"));
  auto steps = (*wh)->Query(
      "SELECT status, failures->>'$[0].kind', failures->>'$[0].name', failures->>'$[0].status', "
      "failures->>'$[0].error' FROM zcdp.run_steps WHERE step = 'traits'");
  ASSERT_TRUE(steps.ok()) << steps.status().message();
  EXPECT_EQ(steps->rows.at(0),
            (std::vector<Value>{Value::Text("partial"), Value::Text("trait"), Value::Text("broken"),
                                Value::Text("failed"), Value::Text("no such column")}));
}

// A run whose process died stays `running` in zcdp.runs; the next run records it as
// abandoned, noting which of its steps had committed. On DuckDB the file lock admits one
// writing process, so a run found running when another starts is dead.
TEST(RunPipeline, TheNextRunRecordsARunLeftRunningAsAbandoned) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  std::vector<std::string> log;
  Pipeline p;
  ASSERT_TRUE(p.Add(MakeStep("sources", {}, &log)).ok());
  ASSERT_TRUE(RunPipeline(p, MemoryProject(), **wh).ok());
  // Run 2 died during its second step: its first had committed.
  ASSERT_TRUE((*wh)
                  ->Execute("INSERT INTO zcdp.runs (run_id, started_at, status) VALUES "
                            "(2, TIMESTAMP '2026-01-01 00:00:00', 'running')")
                  .ok());
  ASSERT_TRUE((*wh)
                  ->Execute("INSERT INTO zcdp.run_steps (run_id, step, position, status) "
                            "VALUES (2, 'sources', 0, 'succeeded')")
                  .ok());
  auto summary = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->run_id, 3);
  EXPECT_EQ(summary->abandoned, (std::vector<int64_t>{2}));
  auto runs = (*wh)->Query("SELECT run_id, status, note FROM zcdp.runs ORDER BY run_id");
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  ASSERT_EQ(runs->rows.size(), 3u);
  EXPECT_EQ(runs->rows[0][1], Value::Text("succeeded"));
  EXPECT_TRUE(runs->rows[0][2].is_null());
  EXPECT_EQ(runs->rows[1][1], Value::Text("abandoned"));
  const std::string note = runs->rows[1][2].ToString();
  EXPECT_NE(note.find("steps committed: sources;"), std::string::npos) << note;
  EXPECT_EQ(runs->rows[2][1], Value::Text("succeeded"));
  // Only once: an abandoned run is not looked at again.
  auto again = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->abandoned.empty());
}

// A warehouse whose run tables an older zcdp made gets the columns they lack.
TEST(RunPipeline, AddsTheColumnsAnOlderRunRegistryLacks) {
  auto wh = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(wh.ok());
  ASSERT_TRUE((*wh)->Execute("CREATE SCHEMA zcdp").ok());
  ASSERT_TRUE((*wh)
                  ->Execute("CREATE TABLE zcdp.runs (run_id BIGINT NOT NULL PRIMARY KEY, "
                            "started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, status "
                            "VARCHAR NOT NULL, zcdp_version VARCHAR, project VARCHAR, steps "
                            "JSON)")
                  .ok());
  ASSERT_TRUE((*wh)
                  ->Execute("INSERT INTO zcdp.runs (run_id, started_at, status) VALUES "
                            "(1, TIMESTAMP '2026-01-01 00:00:00', 'running')")
                  .ok());
  ASSERT_TRUE((*wh)
                  ->Execute("CREATE TABLE zcdp.run_steps (run_id BIGINT NOT NULL, step "
                            "VARCHAR NOT NULL, position BIGINT, started_at TIMESTAMP, "
                            "finished_at TIMESTAMP, status VARCHAR, counts JSON, error "
                            "VARCHAR, PRIMARY KEY (run_id, step))")
                  .ok());
  std::vector<std::string> log;
  Pipeline p;
  ASSERT_TRUE(p.Add(MakeStep("sources", {}, &log)).ok());
  auto summary = RunPipeline(p, MemoryProject(), **wh);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->status, RunStatus::kSucceeded);
  auto runs = (*wh)->Query("SELECT status, note IS NOT NULL FROM zcdp.runs ORDER BY run_id");
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  EXPECT_EQ(runs->rows.at(0), (std::vector<Value>{Value::Text("abandoned"), Value::Bool(true)}));
  EXPECT_TRUE((*wh)->Query("SELECT failures FROM zcdp.run_steps").ok());
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
  summary.steps.push_back({"sources", RunStatus::kFailed, {{"rows", 3}}, 0, 1, "secret@x.com", {}});
  ASSERT_TRUE(state->WriteLastRun(summary).ok());
  std::ifstream in(dir / ".zcdp" / "last_run.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"run_id\": 7"), std::string::npos);
  EXPECT_EQ(text.find("secret@x.com"), std::string::npos);  // error texts stay in the warehouse
  fs::remove_all(dir);
}

}  // namespace
}  // namespace zcdp
