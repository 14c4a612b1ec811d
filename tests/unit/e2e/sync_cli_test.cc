// End-to-end on DuckDB: `zcdp sync [--dry-run]`, `zcdp ledger` and `zcdp validate` on a small
// hand-made shop, against a loopback receiver; a `kill -9` in the middle of a sync, after
// which a rerun delivers every member exactly once by idempotency key; and Ctrl-C.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include "zcdp/step/output_tables.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/http_receiver.h"
#include "support/sync_shop.h"
#include "support/warehouse_snapshot.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::HttpReceiver;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ScriptedResponse;
using testing::ShellQuote;

constexpr int kCustomers = 40;  // c1..c40, all gold; c1..c36 granted email_marketing
constexpr int kMembers = 36;

// The shop: customers c<i> with a consent row each; every tenth is a refusal.
std::string ShopSql() {
  std::string sql =
      "CREATE SCHEMA crm;"
      "CREATE TABLE crm.customers (customer_id VARCHAR, email VARCHAR, first_name VARCHAR, "
      "tier VARCHAR);"
      "CREATE TABLE crm.consents (consent_id VARCHAR, customer_id VARCHAR, purpose VARCHAR, "
      "granted BOOLEAN, updated_at TIMESTAMP);";
  for (int i = 1; i <= kCustomers; ++i) {
    const std::string c = "c" + std::to_string(i);
    sql += "INSERT INTO crm.customers VALUES ('" + c + "', '" + c + "@x.com', 'Name" + c +
           "', 'gold');";
    sql += "INSERT INTO crm.consents VALUES ('k" + c + "', '" + c + "', 'email_marketing', " +
           (i > kMembers ? "FALSE" : "TRUE") + ", TIMESTAMP '2026-01-01 00:00:00');";
  }
  return sql;
}

constexpr const char* kModel = testing::kSyncShopModel;

constexpr char kConsent[] =
    "consent: {source: consents, purpose_column: purpose, granted_column: granted, "
    "timestamp_column: updated_at}\n";

// A project directory with the shop, evaluated once by `zcdp run` without destinations.
class SyncCliE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "zcdp-sync-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    {
      auto wh = OpenWarehouse({.path = Db()});
      ASSERT_TRUE(wh.ok()) << wh.status().message();
      ASSERT_TRUE((*wh)->Execute(ShopSql()).ok());
    }
    WriteProject(kConsent, "");
    const auto run = RunZcdp("run -p " + P());
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string Db() const { return (dir_ / "warehouse.duckdb").string(); }
  std::string P() const { return ShellQuote(dir_.string()); }

  void WriteProject(const std::string& consent, const std::string& destinations) {
    std::ofstream(dir_ / "zcdp.yaml")
        << "name: shop\nwarehouse: {type: duckdb, path: warehouse.duckdb}\n"
        << kModel << consent << (destinations.empty() ? "" : "destinations:\n") << destinations;
  }

  int64_t Count(const std::string& sql) {
    auto wh = OpenWarehouse({.path = Db(), .read_only = true});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    if (!wh.ok()) return -1;
    auto n = QueryInt(**wh, sql);
    EXPECT_TRUE(n.ok()) << n.status().message();
    return n.ok() ? *n : -1;
  }
  std::string Text(const std::string& sql) {
    auto wh = OpenWarehouse({.path = Db(), .read_only = true});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    if (!wh.ok()) return "";
    auto t = QueryText(**wh, sql);
    EXPECT_TRUE(t.ok()) << t.status().message();
    return t.ok() ? *t : "";
  }
  // The profile id of every customer: the keys of the records a destination gets.
  std::set<std::string> ProfileIds() {
    auto wh = OpenWarehouse({.path = Db(), .read_only = true});
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    std::set<std::string> ids;
    if (!wh.ok()) return ids;
    auto rows = (*wh)->Query("SELECT DISTINCT profile_id FROM zcdp.identity_graph");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (rows.ok()) {
      for (const auto& r : rows->rows) ids.insert(r[0].ToString());
    }
    return ids;
  }

  fs::path dir_;
};

std::string Hook(const HttpReceiver& receiver, int batch_size, const std::string& name = "hook") {
  return "  - {name: " + name + ", type: webhook, url: '" + receiver.url() +
         "', audience: gold, purpose: email_marketing, fields: [first_name], clear_pii: "
         "[first_name], batch_size: " +
         std::to_string(batch_size) + "}\n";
}

constexpr char kFiles[] =
    "  - {name: files, type: file, path: drops, format: jsonl, audience: gold, purpose: "
    "email_marketing, fields: {email: email}, clear_pii: [email], batch_size: 10}\n";

// A number from a JSON cell, whether the engine's sum came out as a number or as text.
int64_t Number(const json& cell) {
  return cell.is_string() ? std::stoll(cell.get<std::string>()) : cell.get<int64_t>();
}

// The words of the plan line of `destination`: name, type, members, upserts, removals,
// forgets.
std::vector<std::string> PlanRow(const std::string& out, const std::string& destination) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string w; words >> w;) row.push_back(w);
    if (!row.empty() && row[0] == destination) return row;
  }
  return {};
}

TEST_F(SyncCliE2E, DryRunPrintsTheCountsAndWritesNothing) {
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, 10) + kFiles);
  const auto before = testing::SnapshotWarehouse(Db());
  const auto dry = RunZcdp("sync --dry-run -p " + P());
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_NE(dry.out.find("nothing is sent or written"), std::string::npos) << dry.out;
  using Row = std::vector<std::string>;
  EXPECT_EQ(PlanRow(dry.out, "hook"), (Row{"hook", "webhook", "36", "36", "0", "0"})) << dry.out;
  EXPECT_EQ(PlanRow(dry.out, "files"), (Row{"files", "file", "36", "36", "0", "0"})) << dry.out;
  EXPECT_EQ(receiver.request_count(), 0u);
  EXPECT_FALSE(fs::exists(dir_ / "drops"));
  EXPECT_EQ(testing::SnapshotWarehouse(Db()), before);
}

TEST_F(SyncCliE2E, LedgerShowsWhatTheSyncDelivered) {
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, 10) + kFiles);
  const auto sync = RunZcdp("sync -p " + P());
  ASSERT_EQ(sync.exit_code, 0) << sync.out << sync.err;
  EXPECT_EQ(receiver.AcceptedRecordKeys().size(), static_cast<size_t>(kMembers));
  int64_t hook_bytes = 0;
  for (const auto& request : receiver.requests()) hook_bytes += request.body.size();
  int64_t file_bytes = 0;
  for (const auto& f : fs::directory_iterator(dir_ / "drops")) {
    file_bytes += static_cast<int64_t>(f.file_size());
  }

  const auto ledger = RunZcdp("ledger -f json -p " + P());
  ASSERT_EQ(ledger.exit_code, 0) << ledger.out << ledger.err;
  const json rows = json::parse(ledger.out);
  ASSERT_EQ(rows.size(), 2u) << ledger.out;
  EXPECT_EQ(rows[0]["destination"], "files");
  EXPECT_EQ(rows[0]["fields"], "email");
  EXPECT_EQ(Number(rows[0]["payloads"]), 4);
  EXPECT_EQ(Number(rows[0]["records"]), kMembers);
  EXPECT_EQ(Number(rows[0]["bytes"]), file_bytes);
  EXPECT_EQ(rows[1]["destination"], "hook");
  EXPECT_EQ(rows[1]["purpose"], "email_marketing");
  EXPECT_EQ(Number(rows[1]["payloads"]), 4);
  EXPECT_EQ(Number(rows[1]["records"]), kMembers);
  EXPECT_EQ(Number(rows[1]["bytes"]), hook_bytes);

  const auto table = RunZcdp("ledger --destination hook -p " + P());
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("hook"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(std::to_string(hook_bytes)), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find("files"), std::string::npos) << table.out;

  const auto again = RunZcdp("sync --dry-run -p " + P());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(PlanRow(again.out, "hook"),
            (std::vector<std::string>{"hook", "webhook", "36", "0", "0", "0"}))
      << again.out;
}

// Issue 15, item 10: `sync NAME --reset` forgets what NAME was sent, so that a destination
// whose URL or purpose changed receives every member again; the others keep their state.
TEST_F(SyncCliE2E, ResetSendsEveryMemberOfThatDestinationAgain) {
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, 10) + kFiles);
  const auto first = RunZcdp("sync -p " + P());
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  ASSERT_EQ(receiver.request_count(), 4u);
  using Row = std::vector<std::string>;

  for (const char* bad : {"sync --reset", "sync hook --reset --dry-run"}) {
    const auto r = RunZcdp(std::string(bad) + " -p " + P());
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.out << r.err;
  }
  const auto reset = RunZcdp("sync hook --reset -p " + P());
  ASSERT_EQ(reset.exit_code, 0) << reset.out << reset.err;
  EXPECT_NE(reset.out.find("hook: forgot the 36 records it was sent"), std::string::npos)
      << reset.out;
  EXPECT_EQ(receiver.request_count(), 8u);  // all 36 again, in 4 batches
  EXPECT_EQ(Count("SELECT sum(rows) FROM zcdp.copy_ledger WHERE destination = 'hook'"),
            2 * kMembers);
  EXPECT_EQ(Count("SELECT sum(rows) FROM zcdp.copy_ledger WHERE destination = 'files'"), kMembers);

  const auto after = RunZcdp("sync --dry-run -p " + P());
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(PlanRow(after.out, "hook"), (Row{"hook", "webhook", "36", "0", "0", "0"})) << after.out;
  EXPECT_EQ(PlanRow(after.out, "files"), (Row{"files", "file", "36", "0", "0", "0"})) << after.out;
}

struct InvalidDestination {
  const char* name;
  bool with_consent;
  const char* destination;
  std::vector<std::string> message;  // each part must appear in stderr
};

TEST_F(SyncCliE2E, ValidateRefusesUnsafeDestinations) {
  const InvalidDestination cases[] = {
      {"NoConsentSource",
       false,
       "  - {name: hook, type: webhook, url: 'http://127.0.0.1:1/x', audience: gold, purpose: "
       "email_marketing, fields: [first_name], clear_pii: [first_name]}\n",
       {"destination 'hook'", "purpose 'email_marketing'", "no 'consent' source"}},
      {"UploadOfANonIdentifier",
       true,
       "  - {name: ads, type: audience_upload, url: 'http://127.0.0.1:1/x', audience: gold, "
       "purpose: email_marketing, fields: {email: email, tier: tier}, clear_pii: [email]}\n",
       {"destination 'ads'", "hashed identifiers", "got 'tier'"}},
      {"UnknownField",
       true,
       "  - {name: hook, type: webhook, url: 'http://127.0.0.1:1/x', audience: gold, purpose: "
       "email_marketing, fields: [first_nme]}\n",
       {"destination 'hook'", "'first_nme' is neither a trait nor an id type", "first_name"}},
  };
  for (const auto& c : cases) {
    WriteProject(c.with_consent ? kConsent : "", c.destination);
    const auto v = RunZcdp("validate -p " + P());
    EXPECT_EQ(v.exit_code, 1) << c.name << "\n" << v.out << v.err;
    for (const auto& part : c.message) {
      EXPECT_NE(v.err.find(part), std::string::npos) << c.name << ": " << part << "\n" << v.err;
    }
  }
}

// Issue 15, item 9: an unset ${SECRET} stops validate and sync (a dry run too) before
// anything is counted or sent; a purpose no consent row has is a warning naming the close one.
TEST_F(SyncCliE2E, AnUnsetSecretIsAnErrorAndAnUnknownPurposeAWarning) {
  HttpReceiver receiver;
  ASSERT_EQ(::unsetenv("ZCDP_TEST_UNSET_HOOK_KEY"), 0);
  std::string hook = Hook(receiver, 10);
  hook.insert(hook.rfind('}'), ", secret: '${ZCDP_TEST_UNSET_HOOK_KEY}'");
  WriteProject(kConsent, hook);
  const std::string yaml = ReadFile(dir_ / "zcdp.yaml");
  const std::string line =
      std::to_string(std::count(yaml.begin(), yaml.begin() + yaml.find("secret:"), '\n') + 1);
  for (const char* command : {"validate", "sync --dry-run", "sync"}) {
    const auto r = RunZcdp(std::string(command) + " -p " + P());
    EXPECT_EQ(r.exit_code, 1) << command << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find("zcdp.yaml:" + line + ":"), std::string::npos) << command << "\n" << r.err;
    EXPECT_NE(r.err.find("secret: environment variable ZCDP_TEST_UNSET_HOOK_KEY is not set"),
              std::string::npos)
        << command << "\n"
        << r.err;
  }
  EXPECT_EQ(receiver.request_count(), 0u);

  for (const auto& [purpose, hint] : std::vector<std::pair<std::string, std::string>>{
           {"email_marketin", "(did you mean 'email_marketing'?)"},
           {"newsleter", "purposes it has: email_marketing"}}) {
    std::string typo = Hook(receiver, 10);
    typo.replace(typo.find("email_marketing"), 15, purpose);
    WriteProject(kConsent, typo);
    for (const char* command : {"validate", "sync --dry-run"}) {
      const auto r = RunZcdp(std::string(command) + " -p " + P());
      EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.out << r.err;
      EXPECT_NE(r.err.find("warning: destination 'hook': purpose '" + purpose +
                           "': no row of consent source 'consents' has this purpose"),
                std::string::npos)
          << command << "\n"
          << r.err;
      EXPECT_NE(r.err.find(hint), std::string::npos) << command << "\n" << r.err;
    }
  }
  WriteProject(kConsent, Hook(receiver, 10));
  const auto clean = RunZcdp("validate -p " + P());
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.err, "");
}

// Starts `zcdp sync -p dir` with its output in `log` (discarded when empty); returns its pid.
pid_t StartSync(const std::string& dir, const std::string& log = "") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    const int out = log.empty() ? null : ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(null, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execl(ZCDP_BINARY, ZCDP_BINARY, "sync", "-p", dir.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

TEST_F(SyncCliE2E, AKilledSyncIsResumedWithoutLossOrDuplicate) {
  constexpr int kBatch = 4;  // 9 batches
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, kBatch));
  for (int i = 0; i < 3; ++i) receiver.Enqueue(200);
  ScriptedResponse in_flight;
  in_flight.delay_ms = 8000;  // the sync is killed while it waits for this answer
  receiver.Enqueue(in_flight);

  const pid_t pid = StartSync(dir_.string());
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (receiver.request_count() < 4 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Checkpoints commit on a second connection while the next batch is on its way: give the
  // acknowledged batches' checkpoints time to commit (milliseconds, unless the machine is
  // very busy) before the kill. (The warehouse file is locked by zcdp meanwhile.)
  std::this_thread::sleep_for(std::chrono::seconds(2));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(receiver.request_count(), 4u);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(Count("SELECT count(DISTINCT record_key) FROM zcdp.sync_state"), 3 * kBatch);
  // The killed sync is left `running` (run 1 was SetUp's run)...
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs WHERE run_id = 2"), "running");

  const auto rerun = RunZcdp("sync -p " + P());
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  // ... until the next one records it as abandoned, with what it had committed.
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs WHERE run_id = 2"), "abandoned");
  const std::string note = Text("SELECT note FROM zcdp.runs WHERE run_id = 2");
  EXPECT_NE(note.find("steps committed: none;"), std::string::npos) << note;
  EXPECT_NE(note.find("checkpointed"), std::string::npos) << note;
  EXPECT_NE(rerun.err.find("run 2 was still recorded as running"), std::string::npos) << rerun.err;
  // The batch in flight was resent by another run, under the same key and with the same
  // bytes, so that a receiver can drop it (and its signature still matches).
  std::map<std::string, std::string> body_of_key;
  std::map<std::string, int> sends_of_key;
  std::multiset<std::string> once;  // what a receiver dropping repeated keys processed
  for (const auto& request : receiver.requests()) {
    const std::string key = request.header("idempotency-key");
    ++sends_of_key[key];
    const auto [it, first] = body_of_key.emplace(key, request.body);
    EXPECT_EQ(it->second, request.body) << "a resend under " << key << " changed its body";
    if (!first) continue;
    const json doc = json::parse(request.body);
    for (const auto& r : doc["records"]) once.insert(r["key"].get<std::string>());
  }
  EXPECT_EQ(once.size(), static_cast<size_t>(kMembers));
  EXPECT_EQ(std::set<std::string>(once.begin(), once.end()).size(), once.size());
  EXPECT_EQ(receiver.DistinctAcceptedKeys(), body_of_key.size());
  EXPECT_EQ(body_of_key.size(), static_cast<size_t>((kMembers + kBatch - 1) / kBatch));
  // The three acknowledged batches were never resent; only the one in flight was.
  const auto requests = receiver.requests();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sends_of_key[requests[i].header("idempotency-key")], 1);
  EXPECT_EQ(sends_of_key[requests[3].header("idempotency-key")], 2);
  EXPECT_EQ(Count("SELECT count(DISTINCT record_key) FROM zcdp.sync_state"), kMembers);
}

// A webhook that answers 400 to every record: nothing was delivered, so the sync and the run
// are failed, not succeeded, and zcdp exits 1 naming the refused records.
TEST_F(SyncCliE2E, AWebhookRefusingEveryRecordFailsTheSyncAndTheRun) {
  HttpReceiver receiver;
  receiver.RejectKeys(ProfileIds(), testing::RejectMode::kStatus400);
  WriteProject(kConsent, Hook(receiver, 10));
  const auto sync = RunZcdp("sync -p " + P());
  EXPECT_EQ(sync.exit_code, 1) << sync.out << sync.err;
  EXPECT_NE(sync.err.find("36 of 36 records refused"), std::string::npos) << sync.err;
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1"), "failed");
  // The ledger counts no record delivered (its rows are the records each payload got in).
  EXPECT_EQ(Count("SELECT CAST(coalesce(sum(rows), 0) AS BIGINT) FROM zcdp.copy_ledger"), 0);
  EXPECT_GT(receiver.request_count(), 0u);
  const auto run = RunZcdp("run -p " + P());
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1"), "failed");
}

// One destination refuses everything while the other accepts: the other's records are
// delivered, checkpointed and in the ledger; the run is partial and zcdp exits 4.
TEST_F(SyncCliE2E, OneFailingDestinationLeavesTheOtherDeliveredAndTheRunPartial) {
  HttpReceiver good, bad;
  bad.RejectKeys(ProfileIds(), testing::RejectMode::kStatus400);
  WriteProject(kConsent, Hook(good, 10) + Hook(bad, 10, "refuser"));
  const auto sync = RunZcdp("sync -p " + P());
  EXPECT_EQ(sync.exit_code, 4) << sync.out << sync.err;
  EXPECT_NE(sync.err.find("destination refuser failed: 36 of 36 records refused"),
            std::string::npos)
      << sync.err;
  EXPECT_EQ(good.AcceptedRecordKeys().size(), static_cast<size_t>(kMembers));
  EXPECT_EQ(Count("SELECT count(DISTINCT record_key) FROM zcdp.sync_state WHERE destination = "
                  "'hook'"),
            kMembers);
  EXPECT_EQ(Count("SELECT CAST(sum(rows) AS BIGINT) FROM zcdp.copy_ledger WHERE destination = "
                  "'hook'"),
            kMembers);
  EXPECT_EQ(Count("SELECT CAST(coalesce(sum(rows), 0) AS BIGINT) FROM zcdp.copy_ledger WHERE "
                  "destination = 'refuser'"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM zcdp.activation_log WHERE destination = 'refuser' AND "
                  "status = 'failed'"),
            kMembers);
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1"), "partial");
  EXPECT_EQ(Text("SELECT failures->>'$[0].name' FROM zcdp.run_steps ORDER BY run_id DESC LIMIT 1"),
            "refuser");
  const auto ledger = RunZcdp("ledger -p " + P() + " --destination refuser");
  EXPECT_EQ(ledger.exit_code, 0) << ledger.err;
}

// `zcdp run` with an sql trait that compiles (so validate passes it) but fails on the rows
// (a cast of 'Namec1' to INTEGER): the other traits, the audience and its destination are
// computed and delivered; the run is partial, exit 4, and says which trait failed. A trait
// the engine refuses to compile stops the run at validation instead (ValidateWarehouseTest).
TEST_F(SyncCliE2E, ABrokenTraitMakesTheRunPartialAndTheRestCompletes) {
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, 10));
  std::string yaml = ReadFile(dir_ / "zcdp.yaml");
  const std::string traits_at = "traits:\n";
  yaml.replace(
      yaml.find(traits_at), traits_at.size(),
      traits_at +
          "  - {name: broken, source: customers, sql: \"max(CAST(first_name AS INTEGER))\"}\n");
  std::ofstream(dir_ / "zcdp.yaml") << yaml;
  const auto run = RunZcdp("run -p " + P());
  EXPECT_EQ(run.exit_code, 4) << run.out << run.err;
  EXPECT_NE(run.err.find("step traits: trait broken failed"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("partial"), std::string::npos) << run.out;
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1"), "partial");
  EXPECT_EQ(Count("SELECT count(*) FROM zcdp.audience_membership WHERE audience = 'gold'"),
            kCustomers);
  EXPECT_EQ(receiver.AcceptedRecordKeys().size(), static_cast<size_t>(kMembers));
}

// An audience validation refuses (it reads an unknown trait) does not stop `zcdp run`: it is
// a failed item of the audiences step with validate's positioned problem, its destination is
// skipped, the rest is computed and delivered, and the run is partial (exit 4). `zcdp
// validate` still refuses the project, and an error outside an audience still stops the run.
TEST_F(SyncCliE2E, AnAudienceValidateRefusesFailsAloneInTheRun) {
  HttpReceiver receiver, lost;
  WriteProject(kConsent, Hook(receiver, 10) + Hook(lost, 10, "lost"));
  std::string yaml = ReadFile(dir_ / "zcdp.yaml");
  yaml.replace(yaml.find("audience: gold", yaml.find("name: lost")), 14, "audience: broken");
  const std::string audiences_at = "audiences:\n";
  yaml.replace(yaml.find(audiences_at), audiences_at.size(),
               audiences_at + "  - {name: broken, where: \"no_such_trait > 3\"}\n");
  std::ofstream(dir_ / "zcdp.yaml") << yaml;

  const auto validate = RunZcdp("validate -p " + P());
  EXPECT_EQ(validate.exit_code, 1) << validate.out << validate.err;
  EXPECT_NE(validate.err.find("no_such_trait"), std::string::npos) << validate.err;

  const auto run = RunZcdp("run -p " + P());
  EXPECT_EQ(run.exit_code, 4) << run.out << run.err;
  EXPECT_NE(run.err.find("audience broken failed"), std::string::npos) << run.err;
  const std::string failures = Text(
      "SELECT failures FROM zcdp.run_steps WHERE step = 'audiences' ORDER BY run_id DESC LIMIT 1");
  const json f = json::parse(failures);
  ASSERT_EQ(f.size(), 1u) << failures;
  EXPECT_EQ(f[0]["name"], "broken");
  EXPECT_EQ(f[0]["status"], "failed");
  const std::string why = f[0]["error"].get<std::string>();
  EXPECT_NE(why.find("line "), std::string::npos) << why;
  EXPECT_NE(why.find("no_such_trait"), std::string::npos) << why;
  EXPECT_EQ(Text("SELECT failures->>'$[0].name' || ' ' || (failures->>'$[0].status') FROM "
                 "zcdp.run_steps WHERE step = 'sync' ORDER BY run_id DESC LIMIT 1"),
            "lost skipped");
  EXPECT_EQ(Text("SELECT status FROM zcdp.runs ORDER BY run_id DESC LIMIT 1"), "partial");
  EXPECT_EQ(receiver.AcceptedRecordKeys().size(), static_cast<size_t>(kMembers));
  EXPECT_EQ(lost.request_count(), 0u);

  // A problem outside the audience (an unknown source of a trait) still stops the run.
  const int64_t runs = Count("SELECT count(*) FROM zcdp.runs");
  const std::string traits_at = "traits:\n";
  yaml.replace(yaml.find(traits_at), traits_at.size(),
               traits_at + "  - {name: nope, source: no_such_source, aggregate: count}\n");
  std::ofstream(dir_ / "zcdp.yaml") << yaml;
  const auto stopped = RunZcdp("run -p " + P());
  EXPECT_EQ(stopped.exit_code, 1) << stopped.out << stopped.err;
  EXPECT_NE(stopped.err.find("no_such_source"), std::string::npos) << stopped.err;
  EXPECT_EQ(Count("SELECT count(*) FROM zcdp.runs"), runs);
}

// The engine's error for that broken trait quotes the row's value ("Could not convert string
// 'Namec1' to INT32"). The terminal shows it as is (the user's own screen), but none of zcdp's
// tables that hold no customer values (runs, run_steps, the ledgers: customer_values false in
// the registry) holds any first name, and the stored reason still says what went wrong.
TEST_F(SyncCliE2E, AnEngineErrorIsStoredWithoutTheValueItQuotes) {
  std::string yaml = ReadFile(dir_ / "zcdp.yaml");
  const std::string traits_at = "traits:\n";
  yaml.replace(
      yaml.find(traits_at), traits_at.size(),
      traits_at +
          "  - {name: broken, source: customers, sql: \"max(CAST(first_name AS INTEGER))\"}\n");
  std::ofstream(dir_ / "zcdp.yaml") << yaml;
  const auto run = RunZcdp("run -p " + P());
  ASSERT_EQ(run.exit_code, 4) << run.out << run.err;
  EXPECT_NE(run.err.find("'Namec"), std::string::npos) << run.err;

  auto wh = OpenWarehouse({.path = Db(), .read_only = true});
  ASSERT_TRUE(wh.ok()) << wh.status().message();
  auto tables = (*wh)->ListTables("zcdp");
  ASSERT_TRUE(tables.ok()) << tables.status().message();
  int checked = 0;
  for (const auto& t : *tables) {
    const OutputTable* entry = FindOutputTable(t.name);
    ASSERT_NE(entry, nullptr) << t.name;
    if (entry->customer_values) continue;
    auto n = QueryInt(
        **wh, "SELECT count(*) FROM zcdp." + t.name + " t WHERE CAST(t AS VARCHAR) LIKE '%Namec%'");
    ASSERT_TRUE(n.ok()) << t.name << ": " << n.status().message();
    EXPECT_EQ(*n, 0) << "zcdp." << t.name << " holds a first name";
    ++checked;
  }
  EXPECT_GE(checked, 2);  // runs and run_steps at least
  const std::string stored = Text(
      "SELECT failures->>'$[0].error' FROM zcdp.run_steps WHERE step = 'traits' ORDER BY "
      "run_id DESC LIMIT 1");
  EXPECT_NE(stored.find("Could not convert string '<value>' to INT32"), std::string::npos)
      << stored;
  EXPECT_NE(Text("SELECT steps FROM zcdp.runs ORDER BY run_id DESC LIMIT 1").find("<value>"),
            std::string::npos);
}

// Ctrl-C stops a sync after its current batch: the run is recorded as interrupted, zcdp
// exits 130 (128 + SIGINT) and says so, every
// acknowledged batch is checkpointed, and the next sync sends only the rest.
TEST_F(SyncCliE2E, CtrlCStopsASyncAfterItsCurrentBatch) {
  constexpr int kBatch = 4;  // 9 batches
  HttpReceiver receiver;
  WriteProject(kConsent, Hook(receiver, kBatch));
  ScriptedResponse slow;
  slow.delay_ms = 300;
  for (int i = 0; i < 9; ++i) receiver.Enqueue(slow);

  const std::string log = (dir_ / "sync.log").string();
  const pid_t pid = StartSync(dir_.string(), log);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (receiver.request_count() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::string output = ReadFile(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 130) << output;
  EXPECT_NE(output.find("interrupted after"), std::string::npos) << output;
  const size_t sent = receiver.request_count();
  EXPECT_LE(sent, 3u);  // the batch in flight is the last one
  EXPECT_EQ(Count("SELECT count(DISTINCT record_key) FROM zcdp.sync_state"),
            static_cast<int64_t>(sent) * kBatch);
  EXPECT_EQ(Count("SELECT count(*) FROM zcdp.runs WHERE status = 'interrupted'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM zcdp.run_steps WHERE status = 'interrupted'"), 1);

  const auto rerun = RunZcdp("sync -p " + P());
  ASSERT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  std::multiset<std::string> keys;
  for (const auto& request : receiver.requests()) {
    const json doc = json::parse(request.body);
    for (const auto& r : doc["records"]) keys.insert(r["key"].get<std::string>());
  }
  EXPECT_EQ(keys.size(), static_cast<size_t>(kMembers));  // nothing sent twice
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size());
}

}  // namespace
}  // namespace zcdp
