// SyncDestination and SyncStep on a small hand-made project, on DuckDB and PostgreSQL:
// consent, field mapping, the diff per mode, row failures, retries, interrupted syncs, the
// copy ledger and file drops, each checked against what a loopback receiver got.
#include "zcdp/activation/sync.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/common/digest.h"
#include "zcdp/common/http.h"
#include "zcdp/run/pipeline.h"
#include "zcdp/warehouse/warehouse.h"

#include "activation/compile/sync_sql.h"
#include "activation/destinations/webhook/webhook.h"
#include "support/http_receiver.h"
#include "support/postgres.h"
#include "support/sync_shop.h"

namespace zcdp::activation {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::HttpReceiver;
using testing::RejectMode;
using testing::ScriptedResponse;

// Eleven customers; the audience `gold` is tier = 'gold'. Consent for email_marketing:
// c1 granted; c2 granted then refused; c3 no row; c4 refused then granted; c5 granted;
// c6 granted but silver; c7 granted only for ads; c8 granted and refused at the same time
// (ties refuse); c9..c11 granted. Members with consent: c1 c4 c5 c9 c10 c11.
constexpr char kSourcesSql[] = R"sql(
CREATE SCHEMA crm;
CREATE TABLE crm.customers (customer_id VARCHAR, email VARCHAR, first_name VARCHAR, tier VARCHAR);
INSERT INTO crm.customers VALUES
  ('c1', 'ann@x.com', 'Ann', 'gold'), ('c2', 'bob@x.com', 'Bob', 'gold'),
  ('c3', 'cyd@x.com', 'Cyd', 'gold'), ('c4', 'dan@x.com', 'Dan', 'gold'),
  ('c5', 'eve@x.com', 'Eve', 'gold'), ('c6', 'fay@x.com', 'Fay', 'silver'),
  ('c7', 'gus@x.com', 'Gus', 'gold'), ('c8', 'hal@x.com', 'Hal', 'gold'),
  ('c9', 'ivy@x.com', 'Ivy', 'gold'), ('c10', 'jon@x.com', 'Jon', 'gold'),
  ('c11', 'kim@x.com', 'Kim', 'gold');
CREATE TABLE crm.consents (consent_id VARCHAR, customer_id VARCHAR, purpose VARCHAR,
                           granted BOOLEAN, updated_at TIMESTAMP);
INSERT INTO crm.consents VALUES
  ('k1', 'c1', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k2', 'c2', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k3', 'c2', 'email_marketing', FALSE, TIMESTAMP '2026-02-01 00:00:00'),
  ('k4', 'c4', 'email_marketing', FALSE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k5', 'c4', 'email_marketing', TRUE, TIMESTAMP '2026-02-01 00:00:00'),
  ('k6', 'c5', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k7', 'c6', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k8', 'c7', 'ads', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k9', 'c8', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k10', 'c8', 'email_marketing', FALSE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k11', 'c9', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k12', 'c10', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00'),
  ('k13', 'c11', 'email_marketing', TRUE, TIMESTAMP '2026-01-01 00:00:00');
)sql";

const std::multiset<std::string> kMembers = {"c1", "c4", "c5", "c9", "c10", "c11"};

std::string ProjectYaml(const std::string& warehouse, const std::string& destinations) {
  return "name: synctest\nwarehouse: " + warehouse + "\n" + testing::kSyncShopModel +
         "consent: {source: consents, purpose_column: purpose, granted_column: granted, "
         "timestamp_column: updated_at}\n" +
         (destinations.empty() ? "" : "destinations:\n" + destinations);
}

// A webhook destination of the audience `gold` for email_marketing; `extra` adds keys.
std::string Webhook(const std::string& name, const HttpReceiver& receiver,
                    const std::string& extra) {
  return "  - {name: " + name + ", type: webhook, url: '" + receiver.url() +
         "', audience: gold, purpose: email_marketing, " + extra + "}\n";
}

// The records of the requests from `from` on, in the order they were received.
std::vector<json> RecordsSince(const HttpReceiver& receiver, size_t from) {
  std::vector<json> out;
  const auto requests = receiver.requests();
  for (size_t i = from; i < requests.size(); ++i) {
    const json doc = json::parse(requests[i].body, nullptr, false);
    if (!doc.is_object() || !doc.contains("records")) {
      ADD_FAILURE() << "not a webhook body: " << requests[i].body;
      continue;
    }
    for (const auto& r : doc["records"]) out.push_back(r);
  }
  return out;
}

// Acknowledges the first `limit` batches through `inner`, then loses the connection.
class FailsAfter final : public Destination {
 public:
  FailsAfter(std::unique_ptr<Destination> inner, int limit)
      : inner_(std::move(inner)), limit_(limit) {}
  Result<Delivery> Deliver(const Batch& batch) override {
    if (delivered_ >= limit_) return Status::Unavailable("connection reset by peer (test)");
    ++delivered_;
    return inner_->Deliver(batch);
  }
  Status Finish() override { return inner_->Finish(); }

 private:
  std::unique_ptr<Destination> inner_;
  int limit_;
  int delivered_ = 0;
};

// Delivers through `inner`, then calls `after` with the number of batches delivered so far.
class CallsAfterEachBatch final : public Destination {
 public:
  CallsAfterEachBatch(std::unique_ptr<Destination> inner, std::function<void(int)> after)
      : inner_(std::move(inner)), after_(std::move(after)) {}
  Result<Delivery> Deliver(const Batch& batch) override {
    Result<Delivery> d = inner_->Deliver(batch);
    after_(++delivered_);
    return d;
  }
  Status Finish() override { return inner_->Finish(); }

 private:
  std::unique_ptr<Destination> inner_;
  std::function<void(int)> after_;
  int delivered_ = 0;
};

// Webhooks whose waits are recorded in `sleeps`, never slept, with a short timeout.
SyncOptions RecordingSleeps(std::vector<int64_t>* sleeps) {
  SyncOptions options;
  options.make_destination =
      [sleeps](const DestinationConfig& dest) -> Result<std::unique_ptr<Destination>> {
    WebhookOptions o;
    o.url = dest.url->value;
    o.timeout_ms = 500;
    o.sleeper = [sleeps](int64_t ms) { sleeps->push_back(ms); };
    o.jitter_seed = 7;
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<WebhookDestination> d,
                          WebhookDestination::Create(std::move(o)));
    return std::unique_ptr<Destination>(std::move(d));
  };
  return options;
}

// One warehouse per test with the sources above, in a temporary project directory.
class SyncTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres") {
      ZCDP_REQUIRE_POSTGRES();
      db_ = std::make_unique<testing::TestDatabase>("sync");
      ASSERT_TRUE(db_->ok());
    }
    std::string tmpl = (fs::temp_directory_path() / "zcdp-sync-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_NO_FATAL_FAILURE(Load(""));
    Result<WarehouseOptions> options = WarehouseOptionsFor(project_.warehouse);
    ASSERT_TRUE(options.ok()) << options.status().message();
    Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse(*options);
    ASSERT_TRUE(wh.ok()) << wh.status().message();
    wh_ = std::move(wh).value();
    Exec(kSourcesSql);
  }
  void TearDown() override {
    wh_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string WarehouseBlock() const {
    if (db_) return "{type: postgres, dsn: '" + db_->dsn() + "'}";
    return "{type: duckdb, path: '" + dir_ + "/warehouse.duckdb'}";
  }

  // Loads the project with these destinations (YAML list items).
  void Load(const std::string& destinations) {
    Diagnostics diags("zcdp.yaml");
    auto project =
        ParseProject(ProjectYaml(WarehouseBlock(), destinations), dir_ + "/zcdp.yaml", dir_, diags);
    ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
    project_ = std::move(*project);
  }

  void Exec(const std::string& sql) {
    Status s = wh_->Execute(sql);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // Runs every step but "sync", re-reading the sources, and learns the profile ids.
  void Evaluate() {
    const Pipeline standard = StandardPipeline();
    Pipeline pipeline;
    for (const Step& step : standard.steps()) {
      if (step.name != "sync") {
        ASSERT_TRUE(pipeline.Add(step).ok());
      }
    }
    RunOptions options;
    options.full_refresh = true;
    Result<RunSummary> run = RunPipeline(pipeline, project_, *wh_, options);
    ASSERT_TRUE(run.ok()) << run.status().message();
    ASSERT_EQ(run->status, RunStatus::kSucceeded) << run->steps.back().error;
    ASSERT_NO_FATAL_FAILURE(LearnProfileIds());
  }

  // Learns the profile ids of the customers from identity_graph.
  void LearnProfileIds() {
    Result<QueryResult> ids =
        wh_->Query("SELECT id_value, profile_id FROM zcdp.identity_graph WHERE id_type = 'crm_id'");
    ASSERT_TRUE(ids.ok()) << ids.status().message();
    for (const auto& row : ids->rows) {
      customer_of_[row[1].ToString()] = row[0].ToString();
      profile_of_[row[0].ToString()] = row[1].ToString();
    }
  }

  const DestinationConfig& Dest(const std::string& name) const {
    for (const DestinationConfig& d : project_.destinations) {
      if (d.name.value == name) return d;
    }
    ADD_FAILURE() << "no destination " << name;
    return project_.destinations.front();
  }

  SyncOutcome Sync(const std::string& name, const SyncOptions& options = {}) {
    Result<SyncOutcome> out = SyncDestination(project_, *wh_, Dest(name), ++run_id_, options);
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? *out : SyncOutcome{};
  }

  std::string CustomerOf(const std::string& key) const {
    const auto it = customer_of_.find(key);
    return it == customer_of_.end() ? "unknown:" + key : it->second;
  }
  std::multiset<std::string> Customers(const std::vector<json>& records) const {
    std::multiset<std::string> out;
    for (const auto& r : records) out.insert(CustomerOf(r.value("key", "")));
    return out;
  }
  template <typename Keys>
  std::multiset<std::string> CustomersOfKeys(const Keys& keys) const {
    std::multiset<std::string> out;
    for (const auto& k : keys) out.insert(CustomerOf(k));
    return out;
  }

  // The text column of a query, one value per row.
  std::multiset<std::string> Column(const std::string& sql, const std::vector<Value>& params) {
    Result<QueryResult> r = wh_->Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().message();
    std::multiset<std::string> out;
    if (r.ok()) {
      for (const auto& row : r->rows) out.insert(row[0].ToString());
    }
    return out;
  }
  // The customers with a row in sync_state for `dest`.
  std::multiset<std::string> SyncedCustomers(const std::string& dest) {
    return CustomersOfKeys(
        Column("SELECT DISTINCT record_key FROM zcdp.sync_state WHERE destination = $1",
               {Value::Text(dest)}));
  }
  int64_t Int(const std::string& sql, const std::vector<Value>& params = {}) {
    Result<int64_t> n = QueryInt(*wh_, sql, params);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }
  std::string Text(const std::string& sql) {
    Result<std::string> t = QueryText(*wh_, sql);
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : "";
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::string dir_;
  Project project_;
  std::unique_ptr<Warehouse> wh_;
  std::map<std::string, std::string> customer_of_;  // profile id -> customer id
  std::map<std::string, std::string> profile_of_;   // customer id -> profile id
  int64_t run_id_ = 1000;
};

TEST_P(SyncTest, OnlyProfilesWhoseLatestAnswerIsAGrantAreEverSent) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(
      Load(Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name]")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  Result<DestinationPlan> plan = PlanDestination(project_, *wh_, Dest("hook"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->members, 6);
  EXPECT_EQ(plan->upserts, 6);

  SyncOutcome first = Sync("hook");
  EXPECT_EQ(first.error, "");
  EXPECT_EQ(first.sent, 6);
  EXPECT_EQ(Customers(RecordsSince(receiver, 0)), kMembers);

  // c2 grants again, c1 withdraws: c2 is sent, c1 only leaves the state (mode diff).
  const size_t before = receiver.request_count();
  Exec(
      "INSERT INTO crm.consents VALUES "
      "('k20', 'c2', 'email_marketing', TRUE, TIMESTAMP '2026-03-01 00:00:00'), "
      "('k21', 'c1', 'email_marketing', FALSE, TIMESTAMP '2026-03-01 00:00:00')");
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  SyncOutcome second = Sync("hook");
  EXPECT_EQ(second.forgotten, 1);
  EXPECT_EQ(Customers(RecordsSince(receiver, before)), (std::multiset<std::string>{"c2"}));

  for (const char* never : {"c3", "c6", "c7", "c8"}) {
    for (const auto& request : receiver.requests()) {
      EXPECT_EQ(request.body.find(profile_of_[never]), std::string::npos) << never;
    }
  }
}

TEST_P(SyncTest, PayloadsHoldExactlyTheMappedFields) {
  HttpReceiver renamed, names_only, upload;
  ASSERT_NO_FATAL_FAILURE(
      Load(Webhook("renamed", renamed,
                   "fields: {mail: email, name: first_name}, clear_pii: [mail, name]") +
           Webhook("names_only", names_only, "fields: [first_name], clear_pii: [first_name]") +
           "  - {name: upload, type: audience_upload, url: '" + upload.url() +
           "', audience: gold, purpose: email_marketing, fields: [email, first_name]}\n"));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  EXPECT_EQ(Sync("renamed").sent, 6);
  EXPECT_EQ(Sync("names_only").sent, 6);
  EXPECT_EQ(Sync("upload").sent, 6);

  const std::map<std::string, std::string> emails = {{"c1", "ann@x.com"},  {"c4", "dan@x.com"},
                                                     {"c5", "eve@x.com"},  {"c9", "ivy@x.com"},
                                                     {"c10", "jon@x.com"}, {"c11", "kim@x.com"}};
  const std::vector<json> records = RecordsSince(renamed, 0);
  ASSERT_EQ(records.size(), 6u);
  for (const auto& r : records) {
    std::set<std::string> names;
    for (const auto& [name, value] : r["fields"].items()) names.insert(name);
    EXPECT_EQ(names, (std::set<std::string>{"mail", "name"})) << r.dump();
    EXPECT_EQ(r["fields"]["mail"], emails.at(CustomerOf(r["key"].get<std::string>()))) << r.dump();
  }
  ASSERT_EQ(RecordsSince(names_only, 0).size(), 6u);
  for (const auto& r : RecordsSince(names_only, 0)) {
    EXPECT_EQ(r["fields"].size(), 1u) << r.dump();
    EXPECT_TRUE(r["fields"].contains("first_name")) << r.dump();
  }
  for (const auto& request : names_only.requests()) {
    EXPECT_EQ(request.body.find("@x.com"), std::string::npos) << request.body;
    EXPECT_EQ(request.body.find("gold"), std::string::npos) << request.body;
  }

  // An audience upload sends only the hashes of the normalised identifiers (each first name
  // here is its email's local part, lower-cased).
  std::multiset<std::string> uploaded;
  for (const auto& request : upload.requests()) {
    EXPECT_EQ(request.body.find("@x.com"), std::string::npos) << request.body;
    EXPECT_EQ(request.body.find("Ann"), std::string::npos) << request.body;
    const json doc = json::parse(request.body);
    for (const auto& m : doc["members"]) {
      const std::string customer = CustomerOf(m["key"].get<std::string>());
      uploaded.insert(customer);
      const std::string& email = emails.at(customer);
      EXPECT_EQ(m["identifiers"],
                (json{{"email", Sha256Hex(email)}, {"first_name", Sha256Hex(email.substr(0, 3))}}))
          << m.dump();
    }
  }
  EXPECT_EQ(uploaded, kMembers);
}

TEST_P(SyncTest, EachModeSendsWhatChangedAndOnlyThat) {
  HttpReceiver diff, mirror, full;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("diff", diff, "fields: [first_name], clear_pii: [first_name], batch_size: 4") +
      Webhook("mirror", mirror, "fields: [first_name], clear_pii: [first_name], mode: mirror") +
      Webhook("full", full, "fields: [first_name], clear_pii: [first_name], mode: full")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  HttpReceiver* receivers[] = {&diff, &mirror, &full};
  const char* names[] = {"diff", "mirror", "full"};
  std::vector<std::vector<json>> got(3);
  std::vector<SyncOutcome> outcome(3);
  const auto sync_all = [&] {
    for (int i = 0; i < 3; ++i) {
      const size_t before = receivers[i]->request_count();
      outcome[i] = Sync(names[i]);
      EXPECT_EQ(outcome[i].error, "") << names[i];
      got[i] = RecordsSince(*receivers[i], before);
    }
  };
  // The record of `customer` among `records`, or null.
  const auto record_of = [&](const std::vector<json>& records, const std::string& customer) {
    for (const auto& r : records) {
      if (CustomerOf(r.value("key", "")) == customer) return r;
    }
    return json();
  };

  sync_all();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Customers(got[i]), kMembers) << names[i];

  sync_all();  // nothing changed
  EXPECT_EQ(diff.request_count(), 2u);
  EXPECT_TRUE(got[0].empty());
  EXPECT_TRUE(got[1].empty());
  EXPECT_EQ(Customers(got[2]), kMembers);

  // In one run, c5 changes a mapped field and c1 leaves the audience.
  Exec("UPDATE crm.customers SET first_name = 'Evelyn' WHERE customer_id = 'c5'");
  Exec("UPDATE crm.customers SET tier = 'silver' WHERE customer_id = 'c1'");
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  sync_all();
  EXPECT_EQ(Customers(got[0]), (std::multiset<std::string>{"c5"}));
  EXPECT_EQ(outcome[0].forgotten, 1);
  EXPECT_EQ(Customers(got[1]), (std::multiset<std::string>{"c1", "c5"}));
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(record_of(got[i], "c5")["fields"], (json{{"first_name", "Evelyn"}})) << names[i];
  }
  const json removal = record_of(got[1], "c1");
  EXPECT_EQ(removal["action"], "remove");
  EXPECT_FALSE(removal.contains("fields")) << removal.dump();
  std::multiset<std::string> without_c1 = kMembers;
  without_c1.erase("c1");
  EXPECT_EQ(Customers(got[2]), without_c1);
  EXPECT_EQ(record_of(got[2], "c5")["fields"]["first_name"], "Evelyn");

  // c1 comes back: diff and mirror send it again.
  Exec("UPDATE crm.customers SET tier = 'gold' WHERE customer_id = 'c1'");
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  sync_all();
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Customers(got[i]), (std::multiset<std::string>{"c1"})) << names[i];
    EXPECT_EQ(got[i][0]["action"], "upsert");
    EXPECT_EQ(got[i][0]["fields"]["first_name"], "Ann");
  }
  EXPECT_EQ(Customers(got[2]), kMembers);
}

// A destination may read its records from a model (a table or view with one row per
// profile) instead of an audience: consent still applies in the SQL, only the mapped
// columns leave, changes are diffed; a model of the wrong shape fails with a clear error.
TEST_P(SyncTest, AModelIsSyncedRowByRowWithConsentApplied) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(Load("  - {name: scores, type: webhook, url: '" + receiver.url() +
                               "', model: analytics.scores, purpose: email_marketing, "
                               "fields: {nick: nick, score: score}}\n"));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  // Every profile, silver c6 included; the tier column is not mapped.
  Exec(
      "CREATE SCHEMA analytics; CREATE TABLE analytics.scores AS SELECT profile_id, 'n-' || "
      "first_name AS nick, CAST(length(first_name) AS BIGINT) AS score, tier FROM zcdp.profiles");
  SyncOutcome first = Sync("scores");
  EXPECT_EQ(first.error, "");
  const std::vector<json> records = RecordsSince(receiver, 0);
  std::multiset<std::string> consented = kMembers;
  consented.insert("c6");  // granted, and in the model although not gold
  EXPECT_EQ(Customers(records), consented);
  for (const auto& r : records) {
    EXPECT_EQ(r["fields"].size(), 2u) << r.dump();
    EXPECT_EQ(r["fields"]["nick"].get<std::string>().rfind("n-", 0), 0u) << r.dump();
  }

  Exec("UPDATE analytics.scores SET score = 99 WHERE profile_id = '" + profile_of_["c9"] + "'");
  SyncOutcome second = Sync("scores");
  EXPECT_EQ(second.error, "");
  EXPECT_EQ(Customers(RecordsSince(receiver, receiver.request_count() - second.batches)),
            (std::multiset<std::string>{"c9"}));

  Exec(
      "INSERT INTO analytics.scores SELECT profile_id, nick, score, tier FROM analytics.scores "
      "WHERE profile_id = '" +
      profile_of_["c1"] + "'");
  EXPECT_NE(Sync("scores").error.find("repeats another row's; a model needs one row per profile"),
            std::string::npos);
  Exec("DROP TABLE analytics.scores");
  Exec("CREATE TABLE analytics.scores AS SELECT profile_id, 'x' AS nick FROM zcdp.profiles");
  EXPECT_EQ(Sync("scores").error, "field 'score': model 'analytics.scores' has no column 'score'");
  Exec("DROP TABLE analytics.scores");
  EXPECT_NE(
      Sync("scores").error.find("model 'analytics.scores' is not a table or view in the warehouse"),
      std::string::npos);
}

// sync_state is append-only; compacting it (as a sync does once superseded rows outnumber
// the records) keeps one row per record still synced, and leaves every diff as it was.
TEST_P(SyncTest, CompactingTheStateKeepsTheDiff) {
  HttpReceiver mirror, diff;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("mirror", mirror, "fields: [first_name], clear_pii: [first_name], mode: mirror") +
      Webhook("diff", diff, "fields: [first_name], clear_pii: [first_name]")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  for (const char* name : {"mirror", "diff"}) Sync(name);
  // c5 changes twice, c1 leaves: superseded rows and "removed" rows pile up.
  Exec("UPDATE crm.customers SET first_name = 'Evelyn' WHERE customer_id = 'c5'");
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  for (const char* name : {"mirror", "diff"}) Sync(name);
  Exec("UPDATE crm.customers SET first_name = 'Eve', tier = 'gold' WHERE customer_id = 'c5'");
  Exec("UPDATE crm.customers SET tier = 'silver' WHERE customer_id = 'c1'");
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  for (const char* name : {"mirror", "diff"}) Sync(name);
  Exec("UPDATE crm.customers SET first_name = 'Eva' WHERE customer_id = 'c5'");  // pending
  ASSERT_NO_FATAL_FAILURE(Evaluate());

  const SyncSql sql(project_, wh_->dialect());
  for (const char* name : {"mirror", "diff"}) {
    const std::string plan =
        "SELECT action || ':' || CAST(n AS VARCHAR) FROM (" + sql.PlanSql(Dest(name), true) + ") p";
    const std::multiset<std::string> before = Column(plan, {});
    EXPECT_EQ(
        Int("SELECT count(*) FROM zcdp.sync_state WHERE destination = $1", {Value::Text(name)}),
        6 + 1 + 2)
        << name;  // 6 first, c5 once, then c5 again and c1 removed
    Exec(sql.CompactStateSql(Dest(name)));
    // One row for each of the 5 members still synced; c1's "removed" row is gone.
    EXPECT_EQ(
        Int("SELECT count(*) FROM zcdp.sync_state WHERE destination = $1", {Value::Text(name)}), 5)
        << name;
    EXPECT_EQ(Int("SELECT count(DISTINCT record_key) FROM zcdp.sync_state WHERE destination = $1",
                  {Value::Text(name)}),
              5)
        << name;
    EXPECT_EQ(Column(plan, {}), before) << name;
    Result<DestinationPlan> after = PlanDestination(project_, *wh_, Dest(name));
    ASSERT_TRUE(after.ok()) << after.status().message();
    EXPECT_EQ(after->upserts, 1) << name;  // c5's last change
    EXPECT_EQ(after->removals + after->forgets, 0) << name;
  }
}

// A sync compacts the state itself once its superseded rows outnumber twice the records
// (plus 1,000), and what it would send stays the same.
TEST_P(SyncTest, ASyncCompactsTheStateOnceSupersededRowsPileUp) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(
      Load(Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name]")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  Sync("hook");
  for (int i = 0; i < 8; ++i) {  // 6 rows become 1,536: older checkpoints of the same records
    Exec(
        "INSERT INTO zcdp.sync_state SELECT destination, record_key, 'old', 0, "
        "TIMESTAMP '2000-01-01 00:00:00' FROM zcdp.sync_state");
  }
  ASSERT_EQ(Int("SELECT count(*) FROM zcdp.sync_state"), 1536);
  const size_t before = receiver.request_count();
  SyncOutcome out = Sync("hook");
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.pending, 0);
  EXPECT_EQ(receiver.request_count(), before);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.sync_state"), 6);
  EXPECT_EQ(SyncedCustomers("hook"), kMembers);
  Result<DestinationPlan> plan = PlanDestination(project_, *wh_, Dest("hook"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->upserts, 0);
}

TEST_P(SyncTest, ARefusedRecordIsLoggedNotCheckpointedAndSentByTheNextSync) {
  HttpReceiver listed, status400;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("listed", listed, "fields: [first_name], clear_pii: [first_name], batch_size: 4") +
      Webhook("status400", status400,
              "fields: [first_name], clear_pii: [first_name], batch_size: 4")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  listed.RejectKeys({profile_of_["c5"]}, RejectMode::kRejectedList);
  status400.RejectKeys({profile_of_["c5"]}, RejectMode::kStatus400);
  std::multiset<std::string> others = kMembers;
  others.erase("c5");
  for (auto [name, receiver] : {std::pair{"listed", &listed}, std::pair{"status400", &status400}}) {
    SyncOutcome first = Sync(name);
    EXPECT_EQ(first.sent, 5) << name;
    EXPECT_EQ(first.failed, 1) << name;
    EXPECT_EQ(CustomersOfKeys(receiver->AcceptedRecordKeys()), others) << name;
    Result<QueryResult> log = wh_->Query(
        "SELECT status, error FROM zcdp.activation_log WHERE destination = $1 AND record_key = $2",
        {Value::Text(name), Value::Text(profile_of_["c5"])});
    ASSERT_TRUE(log.ok()) << log.status().message();
    ASSERT_EQ(log->rows.size(), 1u) << name;
    EXPECT_EQ(log->rows[0][0], Value::Text("failed"));
    EXPECT_NE(log->rows[0][1].ToString().find("poisoned"), std::string::npos)
        << log->rows[0][1].ToString();
    EXPECT_EQ(SyncedCustomers(name), others) << name;

    receiver->RejectKeys({}, RejectMode::kRejectedList);
    const size_t before = receiver->request_count();
    SyncOutcome second = Sync(name);
    EXPECT_EQ(second.sent, 1) << name;
    EXPECT_EQ(second.failed, 0) << name;
    EXPECT_EQ(Customers(RecordsSince(*receiver, before)), (std::multiset<std::string>{"c5"}));
    EXPECT_EQ(SyncedCustomers(name), kMembers) << name;
  }
}

TEST_P(SyncTest, RetriedRequestsAreAcceptedOnceByIdempotencyKey) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name], batch_size: 2")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  ScriptedResponse dropped, retry_after, too_slow;
  dropped.drop = true;
  retry_after.status = 429;
  retry_after.headers = {{"Retry-After", "3"}};
  too_slow.delay_ms = 1500;  // the client gives up after 500 ms, then resends
  receiver.Enqueue(500);     // batch 1
  receiver.Enqueue(200);
  receiver.Enqueue(dropped);  // batch 2
  receiver.Enqueue(retry_after);
  receiver.Enqueue(200);
  receiver.Enqueue(too_slow);  // batch 3
  std::vector<int64_t> sleeps;
  SyncOutcome out = Sync("hook", RecordingSleeps(&sleeps));
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.sent, 6);
  EXPECT_EQ(out.batches, 3);
  EXPECT_NE(std::find(sleeps.begin(), sleeps.end(), 3000), sleeps.end());

  // A receiver that drops repeated keys processes each record once.
  std::map<std::string, std::string> body_of_key;
  std::multiset<std::string> once;
  for (const auto& request : receiver.requests()) {
    const std::string key = request.header("idempotency-key");
    const auto [it, first] = body_of_key.emplace(key, request.body);
    EXPECT_EQ(it->second, request.body) << "a resend under " << key << " changed its body";
    if (!first) continue;
    const json doc = json::parse(request.body);
    for (const auto& r : doc["records"]) once.insert(CustomerOf(r["key"].get<std::string>()));
  }
  EXPECT_EQ(receiver.DistinctAcceptedKeys(), 3u);
  EXPECT_EQ(body_of_key.size(), 3u);
  EXPECT_EQ(once, kMembers);
  EXPECT_EQ(SyncedCustomers("hook"), kMembers);
}

TEST_P(SyncTest, AnInterruptedSyncResumesAfterTheLastAcknowledgedBatch) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name], batch_size: 2")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  SyncOptions interrupted;
  interrupted.make_destination =
      [](const DestinationConfig& dest) -> Result<std::unique_ptr<Destination>> {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Destination> inner, MakeDestination(dest));
    return std::unique_ptr<Destination>(std::make_unique<FailsAfter>(std::move(inner), 2));
  };
  SyncOutcome first = Sync("hook", interrupted);
  EXPECT_NE(first.error.find("connection reset by peer (test)"), std::string::npos) << first.error;
  EXPECT_EQ(first.sent, 4);
  EXPECT_EQ(first.batches, 2);
  const std::multiset<std::string> delivered = CustomersOfKeys(receiver.AcceptedRecordKeys());
  EXPECT_EQ(delivered.size(), 4u);
  EXPECT_EQ(SyncedCustomers("hook"), delivered);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.activation_log WHERE destination = 'hook' AND "
                "status = 'failed' AND error LIKE '%connection reset%'"),
            2);

  const size_t before = receiver.request_count();
  SyncOutcome rerun = Sync("hook");
  EXPECT_EQ(rerun.error, "");
  EXPECT_EQ(rerun.sent, 2);
  std::multiset<std::string> rest = kMembers;
  for (const auto& c : delivered) rest.erase(c);
  EXPECT_EQ(Customers(RecordsSince(receiver, before)), rest);
  EXPECT_EQ(CustomersOfKeys(receiver.AcceptedRecordKeys()), kMembers);  // none twice
  EXPECT_EQ(SyncedCustomers("hook"), kMembers);
}

// A checkpoint that cannot commit (here its table is gone) stops the sync with the
// warehouse's error, and the pending rows (mapped field values) do not outlive it.
TEST_P(SyncTest, ACheckpointThatCannotCommitStopsTheSyncAndLeavesNoPendingRows) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name], batch_size: 1")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  ASSERT_TRUE(EnsureActivationTables(project_, *wh_).ok());
  SyncOptions options;
  options.max_uncommitted_checkpoints = 1;
  options.make_destination =
      [this](const DestinationConfig& dest) -> Result<std::unique_ptr<Destination>> {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Destination> inner, MakeDestination(dest));
    return std::unique_ptr<Destination>(
        std::make_unique<CallsAfterEachBatch>(std::move(inner), [this](int n) {
          if (n != 2) return;
          // Once the first batch's checkpoint has committed, its log table goes.
          for (int i = 0; i < 500 && Int("SELECT count(*) FROM zcdp.sync_state") < 1; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          Exec("DROP TABLE zcdp.activation_log");
        }));
  };
  Result<SyncOutcome> out = SyncDestination(project_, *wh_, Dest("hook"), ++run_id_, options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("activation_log"), std::string::npos)
      << out.status().message();
  EXPECT_LT(receiver.request_count(), kMembers.size());  // it stopped early
  const std::string tables =
      GetParam() == "postgres"
          ? "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'sync_pending%'"
          : "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'sync_pending%'";
  EXPECT_EQ(Int(tables), 0);
  // The checkpoint committed before the failure stays.
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.sync_state"), 1);
}

TEST_P(SyncTest, LedgerTotalsEqualWhatTheReceiverAccepted) {
  HttpReceiver receiver;
  ASSERT_NO_FATAL_FAILURE(Load(
      Webhook("hook", receiver, "fields: [first_name], clear_pii: [first_name], batch_size: 4")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  receiver.RejectKeys({profile_of_["c5"]}, RejectMode::kStatus400);  // splits its batch
  SyncOutcome out = Sync("hook");
  EXPECT_EQ(out.sent, 5);
  EXPECT_EQ(out.failed, 1);

  int64_t accepted_bytes = 0;
  for (const auto& request : receiver.requests()) {
    if (request.body.find(profile_of_["c5"]) == std::string::npos) {
      accepted_bytes += static_cast<int64_t>(request.body.size());
    }
  }
  const std::vector<Value> hook = {Value::Text("hook")};
  EXPECT_EQ(
      Int("SELECT CAST(sum(rows) AS BIGINT) FROM zcdp.copy_ledger WHERE destination = $1", hook),
      static_cast<int64_t>(receiver.AcceptedRecordKeys().size()));
  EXPECT_EQ(
      Int("SELECT CAST(sum(bytes) AS BIGINT) FROM zcdp.copy_ledger WHERE destination = $1", hook),
      accepted_bytes);
  EXPECT_EQ(out.bytes, accepted_bytes);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.copy_ledger WHERE destination = $1 AND fields = "
                "'first_name' AND purpose = 'email_marketing' AND destination_type = 'webhook'",
                hook),
            2);
}

TEST_P(SyncTest, TheLastStepOfARunSyncsEveryDestination) {
  HttpReceiver hook;
  ASSERT_NO_FATAL_FAILURE(
      Load(Webhook("hook", hook, "fields: [first_name], clear_pii: [first_name]") +
           "  - {name: drop, type: file, path: drops, format: csv, audience: gold, purpose: "
           "email_marketing, fields: [first_name], clear_pii: [first_name]}\n"));
  Result<RunSummary> run = RunPipeline(StandardPipeline(), project_, *wh_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_EQ(run->status, RunStatus::kSucceeded) << run->steps.back().error;
  const StepOutcome& sync = run->steps.back();
  EXPECT_EQ(sync.name, "sync");
  EXPECT_EQ(sync.counts.at("hook.sent"), 6);
  EXPECT_EQ(sync.counts.at("drop.sent"), 6);
  ASSERT_NO_FATAL_FAILURE(Evaluate());  // learns the profile ids
  EXPECT_EQ(Customers(RecordsSince(hook, 0)), kMembers);
  EXPECT_EQ(SyncedCustomers("drop"), kMembers);
}

TEST_P(SyncTest, AMappingToAMissingColumnFailsOnlyItsDestination) {
  HttpReceiver broken, hook;
  ASSERT_NO_FATAL_FAILURE(
      Load(Webhook("broken", broken, "fields: [first_name], clear_pii: [first_name]") +
           Webhook("hook", hook, "fields: [first_name], clear_pii: [first_name]")));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  // The project file gained a trait and a mapping to it, but no run has added the column
  // to the profiles view yet.
  TraitConfig vip;
  vip.name.value = "vip_score";
  vip.source = LocatedString{"customers", {}};
  vip.pick = LocatedString{"most_recent", {}};
  project_.traits.push_back(vip);
  project_.destinations[0].fields = {FieldMapping{{"vip", {}}, {"vip_score", {}}}};

  Pipeline sync_only;
  Step step = SyncStep();
  step.depends_on.clear();
  ASSERT_TRUE(sync_only.Add(step).ok());
  Result<RunSummary> run = RunPipeline(sync_only, project_, *wh_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  // The other destination was delivered: the run is partial, not failed, and names the one.
  EXPECT_EQ(run->status, RunStatus::kPartial);
  ASSERT_EQ(run->steps.size(), 1u);
  EXPECT_EQ(run->steps[0].status, RunStatus::kPartial);
  ASSERT_EQ(run->steps[0].failures.size(), 1u);
  const ItemFailure& failure = run->steps[0].failures[0];
  EXPECT_EQ(failure.kind, "destination");
  EXPECT_EQ(failure.name, "broken");
  EXPECT_NE(failure.error.find("vip_score"), std::string::npos) << failure.error;
  EXPECT_EQ(broken.request_count(), 0u);
  EXPECT_EQ(Customers(RecordsSince(hook, 0)), kMembers);
  EXPECT_EQ(SyncedCustomers("hook"), kMembers);
  // The ledger holds what hook got and nothing for the broken one.
  EXPECT_EQ(Int("SELECT CAST(sum(rows) AS BIGINT) FROM zcdp.copy_ledger WHERE destination = "
                "'hook'"),
            static_cast<int64_t>(kMembers.size()));
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.copy_ledger WHERE destination = 'broken'"), 0);
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs WHERE run_id = " + std::to_string(run->run_id)),
            "partial");
  const json recorded = json::parse(
      Text("SELECT CAST(failures AS VARCHAR) FROM zcdp.run_steps WHERE step = 'sync' AND "
           "run_id = " +
           std::to_string(run->run_id)));
  ASSERT_EQ(recorded.size(), 1u) << recorded.dump();
  EXPECT_EQ(recorded[0]["name"], "broken");
  EXPECT_EQ(recorded[0]["status"], "failed");
}

// A trait whose SQL does not build fails alone: the other traits are in profiles, the
// audiences over them are computed and delivered, and what reads the broken trait (an sql
// trait over it, an audience, that audience's destination) is skipped with the reason.
TEST_P(SyncTest, ABrokenTraitFailsAloneAndItsDependentsAreSkipped) {
  HttpReceiver hook, fans;
  std::string yaml =
      ProjectYaml(WarehouseBlock(),
                  Webhook("hook", hook, "fields: [first_name], clear_pii: [first_name]") +
                      "  - {name: fans, type: webhook, url: '" + fans.url() +
                      "', audience: broken_fans, purpose: email_marketing, fields: [tier]}\n");
  const std::string traits_at = "  - {name: tier, source: customers, pick: most_recent}\n";
  yaml.replace(yaml.find(traits_at), traits_at.size(),
               traits_at +
                   "  - {name: broken, source: customers, sql: \"sum(no_such_column)\"}\n"
                   "  - {name: loud_tier, sql: \"upper(tier)\"}\n"
                   "  - {name: loud_broken, sql: \"broken + 1\"}\n");
  const std::string audiences_at = "  - {name: gold, where: \"tier = 'gold'\"}\n";
  yaml.replace(yaml.find(audiences_at), audiences_at.size(),
               audiences_at +
                   "  - {name: broken_fans, where: \"broken > 0\"}\n"
                   "  - {name: loud_gold, where: \"loud_tier = 'GOLD'\"}\n"
                   "  - {name: gold_fans, where: \"in_audience(broken_fans)\"}\n");
  Diagnostics diags("zcdp.yaml");
  auto project = ParseProject(yaml, dir_ + "/zcdp.yaml", dir_, diags);
  ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
  project_ = std::move(*project);

  Result<RunSummary> run = RunPipeline(StandardPipeline(), project_, *wh_);
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->status, RunStatus::kPartial);
  std::map<std::string, const StepOutcome*> steps;
  for (const auto& s : run->steps) steps[s.name] = &s;
  ASSERT_EQ(steps.size(), 5u) << "every step ran";
  const auto failures_of = [&](const std::string& step) {
    std::vector<std::string> out;
    for (const auto& f : steps.at(step)->failures) {
      out.push_back(f.kind + " " + f.name + (f.skipped ? " skipped" : " failed"));
    }
    return out;
  };
  EXPECT_EQ(steps["traits"]->status, RunStatus::kPartial);
  EXPECT_EQ(failures_of("traits"),
            (std::vector<std::string>{"trait broken failed", "trait loud_broken skipped"}));
  EXPECT_NE(steps["traits"]->failures[0].error.find("no_such_column"), std::string::npos)
      << steps["traits"]->failures[0].error;
  EXPECT_EQ(failures_of("audiences"), (std::vector<std::string>{"audience broken_fans skipped",
                                                                "audience gold_fans skipped"}));
  EXPECT_EQ(failures_of("sync"), (std::vector<std::string>{"destination fans skipped"}));
  // The rest was computed: the traits that work, both good audiences, the delivery.
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.profiles WHERE loud_tier = 'GOLD'"), 10);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.audience_membership WHERE audience = 'gold'"), 10);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.audience_membership WHERE audience = 'loud_gold'"), 10);
  EXPECT_EQ(Int("SELECT count(*) FROM zcdp.audience_membership WHERE audience IN "
                "('broken_fans', 'gold_fans')"),
            0);
  ASSERT_NO_FATAL_FAILURE(LearnProfileIds());
  EXPECT_EQ(Customers(RecordsSince(hook, 0)), kMembers);
  EXPECT_EQ(fans.request_count(), 0u);
  const json recorded = json::parse(
      Text("SELECT CAST(failures AS VARCHAR) FROM zcdp.run_steps WHERE step = 'traits'"));
  ASSERT_EQ(recorded.size(), 2u) << recorded.dump();
  EXPECT_EQ(recorded[1]["error"], "reads trait 'broken', which failed in this run");
}

// The file names of `dir`, sorted.
std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_P(SyncTest, FileDropsAppearWholeAndAResentBatchKeepsItsName) {
  std::string dests;
  for (const char* format : {"jsonl", "csv", "parquet"}) {
    dests += std::string("  - {name: drop_") + format +
             ", type: file, path: drops, format: " + format +
             ", audience: gold, purpose: email_marketing, fields: [first_name], clear_pii: "
             "[first_name], mode: full, "
             "batch_size: 4}\n";
  }
  ASSERT_NO_FATAL_FAILURE(Load(dests));
  ASSERT_NO_FATAL_FAILURE(Evaluate());
  const fs::path drops = fs::path(dir_) / "drops";
  for (const char* format : {"jsonl", "csv", "parquet"}) {
    EXPECT_EQ(Sync(std::string("drop_") + format).sent, 6) << format;
  }
  const std::vector<std::string> first = FileNames(drops);
  ASSERT_EQ(first.size(), 6u);  // two batches per format
  const std::regex name(R"(drop_(jsonl|csv|parquet)-[0-9a-f]{16}\.(jsonl|csv|parquet))");
  for (const auto& f : first) EXPECT_TRUE(std::regex_match(f, name)) << f;

  size_t jsonl_lines = 0, csv_rows = 0;
  for (const auto& f : first) {
    const std::string text = ReadText(drops / f);
    if (f.ends_with(".jsonl")) {
      ASSERT_TRUE(text.ends_with("\n"));
      std::istringstream in(text);
      for (std::string line; std::getline(in, line); ++jsonl_lines) {
        const json j = json::parse(line);
        EXPECT_EQ(j.size(), 3u) << line;  // record_key, action, first_name
        EXPECT_TRUE(j.contains("first_name")) << line;
      }
    } else if (f.ends_with(".csv")) {
      EXPECT_TRUE(text.starts_with("record_key,action,first_name\r\n") ||
                  text.starts_with("record_key,action,first_name\n"))
          << text;
      csv_rows += static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) - 1;
    }
    EXPECT_EQ(text.find("@x.com"), std::string::npos) << f;
  }
  EXPECT_EQ(jsonl_lines, 6u);
  EXPECT_EQ(csv_rows, 6u);
  Result<std::unique_ptr<Warehouse>> reader = OpenWarehouse({.path = ":memory:"});
  ASSERT_TRUE(reader.ok());
  Result<int64_t> parquet_rows = QueryInt(
      **reader, "SELECT count(*) FROM read_parquet('" + (drops / "*.parquet").string() + "')");
  ASSERT_TRUE(parquet_rows.ok()) << parquet_rows.status().message();
  EXPECT_EQ(*parquet_rows, 6);

  // Mode full sends the same batches again: their files are replaced, not added.
  for (const char* format : {"jsonl", "csv", "parquet"}) {
    EXPECT_EQ(Sync(std::string("drop_") + format).sent, 6) << format;
  }
  EXPECT_EQ(FileNames(drops), first);
}

INSTANTIATE_TEST_SUITE_P(Engines, SyncTest, ::testing::Values("duckdb", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zcdp::activation
