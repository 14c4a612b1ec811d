// The application layer's run, plan, sync and ledger on a small hand-made DuckDB project.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/app/ledger.h"
#include "zcdp/app/plan.h"
#include "zcdp/app/project.h"
#include "zcdp/app/query.h"
#include "zcdp/app/run.h"
#include "zcdp/app/sync.h"

#include "unit/app/app_fixture.h"

namespace zcdp::app {
namespace {

namespace fs = std::filesystem;

using AppRunTest = testing::AppProjectTest;

TEST_F(AppRunTest, PlanStepsAreTheStandardPipelineInOrder) {
  Result<std::vector<PlannedStep>> steps = PlanSteps();
  ASSERT_TRUE(steps.ok()) << steps.status().message();
  std::vector<std::string> names;
  for (const auto& s : *steps) {
    names.push_back(s.name);
    EXPECT_FALSE(s.description.empty()) << s.name;
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"sources", "identity", "traits", "audiences", "sync"}));
}

TEST_F(AppRunTest, RunReportsStepsThroughCallbacksAndPlansAfterwards) {
  {
    OpenedProject opened = Open(Access::kReadWrite);
    ASSERT_NE(opened.warehouse, nullptr);
    EXPECT_EQ(RequireEvaluatedAudiences(opened.project, *opened.warehouse).code(),
              StatusCode::kInvalidArgument);
    std::vector<std::string> done;
    RunOptions options;
    options.on_step_done = [&done](const StepOutcome& s) { done.push_back(s.name); };
    Result<RunSummary> run =
        RunProject(opened.project, *opened.warehouse, StandardPipeline(), options);
    ASSERT_TRUE(run.ok()) << run.status().message();
    EXPECT_EQ(run->status, RunStatus::kSucceeded);
    EXPECT_EQ(done.size(), run->steps.size());
    EXPECT_TRUE(RequireEvaluatedAudiences(opened.project, *opened.warehouse).ok());
  }
  OpenedProject opened = Open(Access::kReadOnly);
  Result<AudiencesPlan> plan = PlanAudiences(opened);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->evaluated);
  EXPECT_FALSE(plan->profiles_sql.empty());
  ASSERT_EQ(plan->audiences.size(), 1u);
  EXPECT_EQ(plan->audiences[0].name, "gold");
  EXPECT_EQ(plan->audiences[0].current, 2);
  EXPECT_EQ(plan->audiences[0].next, 2);
  EXPECT_EQ(plan->audiences[0].entering, 0);
  EXPECT_TRUE(PlanDestinations(opened.project, *opened.warehouse).empty());

  Result<LedgerSummary> ledger = SummariseLedger(opened, {.since = "7d"});
  ASSERT_TRUE(ledger.ok()) << ledger.status().message();
  EXPECT_FALSE(ledger->exists);  // no destination, so nothing was ever sent
}

TEST_F(AppRunTest, SyncSelectsADestinationByName) {
  OpenedProject opened = Open(Access::kReadOnly);
  EXPECT_TRUE(SelectDestination(opened.project, "").ok());
  Status unknown = SelectDestination(opened.project, "crm");
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("no destination named 'crm'"), std::string::npos);
  Result<Pipeline> pipeline = SyncPipeline();
  ASSERT_TRUE(pipeline.ok()) << pipeline.status().message();
  ASSERT_EQ(pipeline->steps().size(), 1u);
  EXPECT_EQ(pipeline->steps()[0].name, "sync");
  EXPECT_TRUE(pipeline->steps()[0].depends_on.empty());
}

TEST_F(AppRunTest, QueryReturnsRowsAndSaysHowToWrite) {
  {
    OpenedProject opened = Open(Access::kReadOnly);
    Result<QueryOutcome> rows = RunQuery(opened, "SELECT count(*) FROM crm.customers", false);
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    ASSERT_NE(rows->rows, nullptr);
    auto chunk = rows->rows->Next();
    ASSERT_TRUE(chunk.ok() && *chunk != nullptr);
    EXPECT_EQ((*chunk)->GetInt(0, 0), 3);
    rows->rows.reset();  // a stream holds its DuckDB connection until read or destroyed
    Status refused = RunQuery(opened, "CREATE TABLE crm.x (a INTEGER)", false).status();
    EXPECT_NE(refused.message().find("add --write"), std::string::npos) << refused.message();
  }
  OpenedProject opened = Open(Access::kReadWrite);
  Result<QueryOutcome> batch = RunQuery(opened, "CREATE TABLE crm.x (a INTEGER)", true);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
}

}  // namespace
}  // namespace zcdp::app
