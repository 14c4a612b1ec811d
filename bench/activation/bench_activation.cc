// Activation at scale: the diff of a large audience in the warehouse, and delivery to a local
// webhook, each against a baseline measured in the same run.
//
//   bench_activation [--members N] [--seed S] [--dir TMP] [--out FILE.json | --out DIR]
//                    [--checkpoint-threshold SIZE]
//
// Builds a DuckDB warehouse with SQL over range(): N members of audience 'bench',
// zcdp.profiles as a table (text, bigint, double and timestamp traits), one email per profile
// in zcdp.identity_graph, and a consent source where ~90% of profiles granted 'marketing'
// (all drawn from hash(i, seed)). The project maps email and three traits to a webhook
// (mode diff, batches of 1,000). Then:
//   1. Diff. The first-sync diff (no state), then, with sync_state seeded with every member's
//      checksum and ~1% of lifetime_value changed, the incremental diff: each timed as
//      as the pending table a sync builds and as PlanDestination. Baseline: count(*) GROUP BY over
//      the same membership join (profiles, identity graph), without consent or checksums. Target: <
//      5 s at 1e6 members.
//   2. Delivery. SyncDestination of the first sync to a loopback HttpReceiver: records/s
//      from its first batch to its last checkpoint (reading, JSON, HTTP, checkpoints), and
//      end to end with the diff. Then WebhookDestination::Deliver alone on the same records,
//      each batch built before its timer starts. Baseline: serializing those batches to JSON
//      only. Target: >= 50,000 records/s at 1e6 for the delivery.
// Writes bench/results/activation.json (or FILE, or DIR/activation.json).
//
// DuckDB's checkpoint_threshold is DuckDB's default (16MB) unless --checkpoint-threshold
// says otherwise. SyncDestination once held a scan of the pending table open while
// committing checkpoints, and a commit that started DuckDB's automatic checkpoint then
// waited forever for that scan (duckdb/duckdb#14303); it now reads the table page by page,
// and this default keeps that case covered.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include "zcdp/activation/sync.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

#include "activation/compile/sync_sql.h"
#include "activation/destinations/webhook/webhook.h"
#include "support/http_receiver.h"

namespace zcdp::bench {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Stopwatch = std::chrono::steady_clock;
using activation::Batch;
using activation::Delivery;
using activation::Destination;

constexpr double kDiffTargetSeconds = 5.0;
constexpr double kDeliveryTargetPerSecond = 50000;
constexpr int64_t kTargetMembers = 1000000;  // the targets are stated for this size
constexpr const char* kDestinationName = "bench_hook";

struct Args {
  int64_t members = 1000000;
  uint64_t seed = 42;
  std::string dir = (fs::temp_directory_path() / "zcdp-bench-activation").string();
  std::string out = std::string(ZCDP_SOURCE_DIR) + "/bench/results";
  std::string checkpoint_threshold = "16MB";  // DuckDB's default; see the top of the file
};

constexpr const char* kUsage =
    "usage: bench_activation [--members N] [--seed S] [--dir TMP] [--out FILE.json | --out DIR] "
    "[--checkpoint-threshold SIZE]\n";

bool ParseArgs(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--members" || k == "--profiles") {  // --profiles, as BENCH_ARGS gives the others
      a.members = std::atoll(v.c_str());
    } else if (k == "--seed") {
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--out") {
      a.out = v;
    } else if (k == "--checkpoint-threshold") {
      a.checkpoint_threshold = v;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && a.members > 0;
}

double SecondsSince(Stopwatch::time_point start) {
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

// User + system CPU seconds of the whole process (client, receiver and DuckDB threads).
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string s;
  std::getline(in, s);
  return s;
}

double PeakRssMiB() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

std::string SizeLabel(int64_t n) {
  int e = 0;
  int64_t m = n;
  while (m >= 10 && m % 10 == 0) {
    m /= 10;
    ++e;
  }
  return m == 1 ? "1e" + std::to_string(e) : std::to_string(n);
}

void Progress(const std::string& line) {
  std::printf("  %s\n", line.c_str());
  std::fflush(stdout);
}

// The results, in the order they were measured, and whether every check held.
struct Report {
  std::string label;  // "1e6: "
  bool applies = false;
  Json metrics = Json::array();
  std::vector<std::string> failed_checks;
  bool targets_met = true;

  void Add(const std::string& name, double value, const std::string& unit) {
    metrics.push_back({{"name", label + name}, {"value", value}, {"unit", unit}});
  }
  void AddTargeted(const std::string& name, double value, const std::string& unit,
                   const std::string& target, bool pass) {
    Add(name, value, unit);
    metrics.back()["target"] = target;
    metrics.back()["pass"] = applies ? Json(pass) : Json(nullptr);  // null: not at this size
    targets_met = targets_met && pass;
  }
  void Expect(bool ok, const std::string& what) {
    if (!ok) failed_checks.push_back(what);
    if (!ok) std::fprintf(stderr, "bench_activation: check failed: %s\n", what.c_str());
  }
};

// ---- The warehouse -----------------------------------------------------------------------

// bench_raw.people draws every profile's values: h for traits, c for consent (~90% granted
// 'marketing'), u for the ~1% whose lifetime_value changes before the incremental diff.
std::vector<std::string> WarehouseSql(int64_t n, uint64_t seed) {
  const std::string s = std::to_string(seed);
  const std::string email = "'user' || i || '@example.com'";
  const auto ago = [](const std::string& base, const std::string& seconds) {
    return "TIMESTAMP '" + base + "' - to_seconds(CAST(" + seconds + " AS BIGINT))";
  };
  return {
      "CREATE SCHEMA zcdp; CREATE SCHEMA bench_raw",
      "CREATE TABLE bench_raw.people AS SELECT i, 'p' || i AS profile_id, hash(i, " + s +
          ") AS h, hash(i, " + s + ", 'consent') AS c, hash(i, " + s +
          ", 'change') AS u FROM range(" + std::to_string(n) + ") t(i)",
      // A second, smaller audience, so that the audience filter has rows to skip.
      "CREATE TABLE zcdp.audience_membership AS SELECT 'bench' AS audience, profile_id, " +
          ago("2026-01-01", "h % 2592000") +
          " AS since FROM bench_raw.people UNION ALL SELECT 'other', profile_id, TIMESTAMP "
          "'2026-01-01' FROM bench_raw.people WHERE i % 10 = 0",
      "CREATE TABLE zcdp.profiles AS SELECT profile_id, ['Ada', 'Grace', 'Alan', 'Edsger', "
      "'Barbara', 'Donald', 'Frances', 'Niklaus'][CAST(h % 8 AS INTEGER) + 1] AS first_name, "
      "CAST((h >> 8) % 40 AS BIGINT) AS orders, CAST((h >> 16) % 100000 AS DOUBLE) / 100 AS "
      "lifetime_value, " +
          ago("2026-01-01", "(h >> 32) % 31536000") + " AS last_order_at FROM bench_raw.people",
      "CREATE TABLE zcdp.identity_graph AS SELECT 'email' AS id_type, " + email +
          " AS id_value, profile_id, TIMESTAMP '2025-01-01' AS first_seen, " +
          ago("2026-01-01", "h % 86400") +
          " AS last_seen, CAST(1 AS BIGINT) AS source_count FROM bench_raw.people",
      // Two answers per profile; only 'marketing' matters to the destination.
      "CREATE TABLE bench_raw.consents AS SELECT 2 * i AS consent_id, " + email +
          " AS email, 'marketing' AS purpose, c % 10 <> 0 AS granted, TIMESTAMP '2025-09-01' "
          "AS updated_at FROM bench_raw.people UNION ALL SELECT 2 * i + 1, " +
          email + ", 'analytics', TRUE, TIMESTAMP '2025-09-01' FROM bench_raw.people",
      "CREATE VIEW zcdp.source_consents AS SELECT * FROM bench_raw.consents",
      // The row key of a source with a primary key is that key as text (SourceRowKeyExpr).
      "CREATE TABLE zcdp.identity_record_profiles AS SELECT 'consents' AS source, "
      "CAST(consent_id AS VARCHAR) AS row_key, 'p' || (consent_id // 2) AS profile_id FROM "
      "bench_raw.consents",
  };
}

std::string ProjectYaml(const std::string& db, const std::string& url) {
  return "name: bench_activation\n"
         "warehouse: {type: duckdb, path: '" +
         db +
         "'}\n"
         "sources:\n"
         "  - name: consents\n"
         "    table: bench_raw.consents\n"
         "    kind: entity\n"
         "    primary_key: consent_id\n"
         "    identifiers: {email: email}\n"
         "    attributes: [purpose, granted, updated_at]\n"
         "    pii: [email]\n"
         "identity:\n"
         "  id_types:\n"
         "    email: {priority: 1, normalize: email}\n"
         "traits:\n"  // computed by the benchmark itself, into zcdp.profiles
         "  - {name: first_name, sql: 'first_name'}\n"
         "  - {name: orders, sql: 'orders'}\n"
         "  - {name: lifetime_value, sql: 'lifetime_value'}\n"
         "  - {name: last_order_at, sql: 'last_order_at'}\n"
         "audiences:\n"
         "  - {name: bench, where: 'lifetime_value >= 0'}\n"
         "destinations:\n"
         "  - name: " +
         std::string(kDestinationName) +
         "\n"
         "    type: webhook\n"
         "    url: '" +
         url +
         "'\n"
         "    audience: bench\n"
         "    purpose: marketing\n"
         "    fields: [email, first_name, lifetime_value, last_order_at]\n"
         "    mode: diff\n"
         "    batch_size: 1000\n"
         "consent: {source: consents, purpose_column: purpose, granted_column: granted, "
         "timestamp_column: updated_at}\n";
}

Result<Project> MakeProject(const fs::path& dir, const std::string& db, const std::string& url) {
  const std::string file = (dir / "zcdp.yaml").string();
  const std::string yaml = ProjectYaml(db, url);
  std::ofstream(file) << yaml;  // kept beside the warehouse, for a look at a failed run
  Diagnostics diags(file);
  std::optional<Project> project = ParseProject(yaml, file, dir.string(), diags);
  if (!project || diags.has_errors()) return Status::Invalid("project: " + diags.ToString());
  return std::move(*project);
}

Result<int64_t> Count(Warehouse& wh, const std::string& from_where) {
  return QueryInt(wh, "SELECT count(*) FROM " + from_where);
}

// ---- 1. The diff -------------------------------------------------------------------------

struct DiffRun {
  double create_s = 0;      // the pending table, as SyncDestination creates it
  double plan_s = 0;        // PlanDestination: count(*) of the members, and of the diff by action
  double create_cpu_s = 0;  // process CPU while creating it: less sensitive to load
  std::map<std::string, int64_t> actions;  // rows of the CREATEd table, by action
  activation::DestinationPlan plan;

  int64_t Rows(const std::string& action) const {
    const auto it = actions.find(action);
    return it == actions.end() ? 0 : it->second;
  }
};

// Times the pending table a sync creates (the numbered diff, in a scratch table) and
// PlanDestination. Keeps the diff as bench_raw.`keep_as` when it is not empty.
Result<DiffRun> MeasureDiff(const Project& p, Warehouse& wh, const DestinationConfig& dest,
                            const std::string& keep_as) {
  DiffRun r;
  const activation::SyncSql sql(p, wh.dialect());
  ZCDP_RETURN_IF_ERROR(activation::EnsureActivationTables(p, wh));
  const double cpu0 = ProcessCpuSeconds();
  auto t0 = Stopwatch::now();
  ZCDP_RETURN_IF_ERROR(wh.Execute(JoinStatements(sql.CreatePendingTable(dest))));
  r.create_s = SecondsSince(t0);
  r.create_cpu_s = ProcessCpuSeconds() - cpu0;
  const std::string pending = sql.PendingTable(dest);
  ZCDP_ASSIGN_OR_RETURN(QueryResult counts,
                        wh.Query("SELECT action, count(*) FROM " + pending + " GROUP BY action"));
  for (const auto& row : counts.rows) {
    const auto* n = std::get_if<int64_t>(&row[1].storage());
    r.actions[row[0].ToString()] = n != nullptr ? *n : -1;
  }
  if (!keep_as.empty()) {
    ZCDP_RETURN_IF_ERROR(
        wh.Execute("CREATE TABLE bench_raw." + keep_as + " AS SELECT * FROM " + pending));
  }
  ZCDP_RETURN_IF_ERROR(wh.Execute("DROP TABLE " + pending));
  t0 = Stopwatch::now();
  ZCDP_ASSIGN_OR_RETURN(r.plan, activation::PlanDestination(p, wh, dest));
  r.plan_s = SecondsSince(t0);
  return r;
}

// The baseline: the joins the members query makes, counted, without consent or checksums.
Result<double> MeasureBaseline(Warehouse& wh) {
  const auto t0 = Stopwatch::now();
  ZCDP_RETURN_IF_ERROR(
      wh.Query("SELECT m.audience, count(*), count(p.first_name), count(i.value) FROM "
               "zcdp.audience_membership m LEFT JOIN zcdp.profiles p ON p.profile_id = "
               "m.profile_id LEFT JOIN (SELECT profile_id, max(id_value) AS value FROM "
               "zcdp.identity_graph WHERE id_type = 'email' GROUP BY profile_id) i ON "
               "i.profile_id = m.profile_id WHERE m.audience = 'bench' GROUP BY m.audience")
          .status());
  return SecondsSince(t0);
}

void ReportDiff(Report& r, const std::string& which, const DiffRun& d, double baseline_s) {
  const std::string target = "< " + std::to_string(static_cast<int>(kDiffTargetSeconds)) + " s";
  r.AddTargeted("diff " + which + ": pending table", d.create_s, "s", target,
                d.create_s < kDiffTargetSeconds);
  r.AddTargeted("diff " + which + ": PlanDestination", d.plan_s, "s", target,
                d.plan_s < kDiffTargetSeconds);
  r.Add("diff " + which + ": pending table, process CPU", d.create_cpu_s, "s");
  r.Add("diff " + which + " / baseline join", d.create_s / baseline_s, "x");
  r.Add("diff " + which + ": upserts", static_cast<double>(d.plan.upserts), "records");
}

// Seeds sync_state with every member's current checksum, as a completed sync would leave it.
Status SeedState(const Project& p, Warehouse& wh, const DestinationConfig& dest) {
  ZCDP_RETURN_IF_ERROR(activation::EnsureActivationTables(p, wh));
  const activation::SyncSql sql(p, wh.dialect());
  return wh.Execute("INSERT INTO zcdp.sync_state SELECT '" + std::string(kDestinationName) +
                    "', record_key, checksum, 0, TIMESTAMP '2026-01-01' FROM (" +
                    sql.MembersSql(dest) + ") m");
}

Status RunDiffs(const Project& p, Warehouse& wh, const DestinationConfig& dest, Report& r) {
  ZCDP_ASSIGN_OR_RETURN(const int64_t consented, Count(wh, "bench_raw.people WHERE c % 10 <> 0"));
  ZCDP_ASSIGN_OR_RETURN(const int64_t changed,
                        Count(wh, "bench_raw.people WHERE u % 100 = 0 AND c % 10 <> 0"));
  Progress("baseline: membership join, count(*) GROUP BY");
  ZCDP_ASSIGN_OR_RETURN(const double baseline_s, MeasureBaseline(wh));
  r.Add("baseline: membership join count(*) GROUP BY", baseline_s, "s");

  Progress("diff, first sync (no state)");
  ZCDP_ASSIGN_OR_RETURN(const DiffRun first, MeasureDiff(p, wh, dest, "diff_first"));
  ReportDiff(r, "first sync", first, baseline_s);
  r.Expect(first.plan.members == consented && first.plan.upserts == consented &&
               first.Rows("upsert") == consented,
           "the first-sync diff sends every member with consent (" + std::to_string(consented) +
               "), got " + std::to_string(first.plan.upserts));

  Progress("seed sync_state with every member's checksum, change ~1% of lifetime_value");
  ZCDP_RETURN_IF_ERROR(SeedState(p, wh, dest));
  ZCDP_RETURN_IF_ERROR(
      wh.Execute("UPDATE zcdp.profiles SET lifetime_value = lifetime_value + 1 WHERE profile_id "
                 "IN (SELECT profile_id FROM bench_raw.people WHERE u % 100 = 0)"));
  Progress("diff, incremental");
  ZCDP_ASSIGN_OR_RETURN(const DiffRun incr, MeasureDiff(p, wh, dest, ""));
  ReportDiff(r, "incremental (~1% changed)", incr, baseline_s);
  r.Add("members with consent", static_cast<double>(consented), "records");
  r.Expect(incr.plan.upserts == changed && incr.plan.forgets == 0 && incr.Rows("upsert") == changed,
           "the incremental diff finds the " + std::to_string(changed) +
               " changed members with consent, got " + std::to_string(incr.plan.upserts));
  // The next sync starts from nothing: the delivery measures a first sync.
  return wh.Execute(
      "DROP TABLE zcdp.sync_state; "
      "DROP TABLE zcdp.activation_log; DROP TABLE zcdp.copy_ledger");
}

// ---- 2. Delivery -------------------------------------------------------------------------

activation::HttpDestinationOptions HookOptions(const std::string& url, uint64_t seed) {
  activation::HttpDestinationOptions o;
  o.url = url;
  o.jitter_seed = seed;
  return o;
}

// Time spent inside Destination::Deliver during a sync.
struct DeliverTiming {
  double seconds = 0;
  double first_call_s = -1;  // since the sync started: the diff and the first read before it
  Stopwatch::time_point sync_start;
};

class TimedDestination final : public Destination {
 public:
  TimedDestination(std::unique_ptr<Destination> inner, DeliverTiming* timing)
      : inner_(std::move(inner)), timing_(timing) {}

  Result<Delivery> Deliver(const Batch& batch) override {
    const auto t0 = Stopwatch::now();
    if (timing_->first_call_s < 0) timing_->first_call_s = SecondsSince(timing_->sync_start);
    Result<Delivery> d = inner_->Deliver(batch);
    timing_->seconds += SecondsSince(t0);
    return d;
  }
  Status Finish() override { return inner_->Finish(); }

 private:
  std::unique_ptr<Destination> inner_;
  DeliverTiming* timing_;
};

std::function<void(double)> TenthsPrinter(const std::string& what) {
  auto next = std::make_shared<double>(0.1);
  return [what, next](double done) {
    if (done + 1e-9 < *next) return;
    Progress(what + " " + std::to_string(static_cast<int>(done * 100 + 0.5)) + "%");
    while (*next <= done + 1e-9) *next += 0.1;
  };
}

// What a completed sync must have left: every record sent once, checkpointed, nothing pending.
Status CheckSync(const Project& p, Warehouse& wh, const DestinationConfig& dest,
                 const activation::SyncOutcome& out, const testing::HttpReceiver& receiver,
                 Report& r) {
  r.Expect(out.error.empty() && out.failed == 0 && out.sent == out.pending,
           "the sync delivers every pending record (" + std::to_string(out.pending) + "): sent " +
               std::to_string(out.sent) + ", failed " + std::to_string(out.failed) +
               (out.error.empty() ? "" : ", error: " + out.error));
  r.Expect(static_cast<int64_t>(receiver.request_count()) == out.batches,
           "one request per batch (" + std::to_string(out.batches) + "), the receiver got " +
               std::to_string(receiver.request_count()));
  ZCDP_ASSIGN_OR_RETURN(const int64_t state, Count(wh, "zcdp.sync_state"));
  ZCDP_ASSIGN_OR_RETURN(const int64_t ledger, Count(wh, "zcdp.copy_ledger"));
  r.Expect(state == out.sent && ledger == out.batches,
           "every acknowledged batch is checkpointed: sync_state " + std::to_string(state) +
               " rows, copy_ledger " + std::to_string(ledger));
  Progress("sync: plan after the sync (expects nothing left to send)");
  ZCDP_ASSIGN_OR_RETURN(const activation::DestinationPlan after,
                        activation::PlanDestination(p, wh, dest));
  r.Expect(after.upserts == 0,
           "nothing is pending after the sync, got " + std::to_string(after.upserts) + " upserts");
  return Status::Ok();
}

Status RunSync(const Project& p, Warehouse& wh, const DestinationConfig& dest,
               const testing::HttpReceiver& receiver, uint64_t seed, Report& r) {
  DeliverTiming timing;
  activation::SyncOptions options;
  options.progress = TenthsPrinter("sync: delivered");
  options.make_destination =
      [&](const DestinationConfig& d) -> Result<std::unique_ptr<Destination>> {
    ZCDP_ASSIGN_OR_RETURN(auto hook,
                          activation::WebhookDestination::Create(HookOptions(d.url->value, seed)));
    return std::unique_ptr<Destination>(
        std::make_unique<TimedDestination>(std::move(hook), &timing));
  };
  Progress("sync: first sync to the webhook (diff, delivery, checkpoints)");
  const double cpu0 = ProcessCpuSeconds();
  timing.sync_start = Stopwatch::now();
  ZCDP_ASSIGN_OR_RETURN(const activation::SyncOutcome out,
                        activation::SyncDestination(p, wh, dest, /*run_id=*/1, options));
  const double total_s = SecondsSince(timing.sync_start);
  const double cpu_s = ProcessCpuSeconds() - cpu0;
  // The target is the delivery's: from the first batch to the last checkpoint committed.
  // The diff before it has its own target, above.
  const double per_s = static_cast<double>(out.sent) / (total_s - timing.first_call_s);
  r.AddTargeted("delivery (SyncDestination after its diff, checkpoints included)", per_s,
                "records/s", ">= 50,000 records/s", per_s >= kDeliveryTargetPerSecond);
  r.Add("sync end to end, diff included", static_cast<double>(out.sent) / total_s, "records/s");
  r.Add("sync: total", total_s, "s");
  r.Add("sync: before the first batch (diff into the pending table, count, first read)",
        timing.first_call_s, "s");
  r.Add("sync: inside Deliver (JSON, HTTP)", timing.seconds, "s");
  r.Add("sync: between batches (reading the pending table, checkpoints)",
        total_s - timing.seconds - timing.first_call_s, "s");
  r.Add("sync: reading the pending table", out.reading_s, "s");
  r.Add("sync: waiting for checkpoint commits", out.checkpoint_wait_s, "s");
  r.Add("sync: checkpoint transactions", static_cast<double>(out.checkpoint_commits), "commits");
  r.Add("sync: process CPU / wall", cpu_s / total_s, "x");
  r.Add("sync: records sent", static_cast<double>(out.sent), "records");
  return CheckSync(p, wh, dest, out, receiver, r);
}

// Adds row `row` of a chunk of a diff table (action, record_key, checksum, fields...).
void AddRecord(const Chunk& chunk, size_t row, Batch& batch) {
  activation::Record rec;
  rec.key = std::string(chunk.GetText(1, row));
  rec.values.reserve(chunk.column_count() - 3);
  for (size_t c = 3; c < chunk.column_count(); ++c) rec.values.push_back(chunk.Get(c, row));
  batch.records.push_back(std::move(rec));
}

struct HttpRun {
  double http_s = 0, json_s = 0, cpu_s = 0;
  double wall_s = 0;  // reading the diff table and building the batches included
  int64_t records = 0, batches = 0, bytes = 0, failed = 0;
};

// Serializes the batch alone (the baseline), then delivers it, each timed.
Status MeasureBatch(Destination& hook, Batch& batch, HttpRun& run) {
  batch.idempotency_key = "bench-" + std::to_string(batch.index);
  std::vector<size_t> all(batch.records.size());
  std::iota(all.begin(), all.end(), size_t{0});
  auto t0 = Stopwatch::now();
  const std::string body = activation::WebhookBody(batch, all, batch.idempotency_key);
  run.json_s += SecondsSince(t0);
  run.bytes += static_cast<int64_t>(body.size());
  t0 = Stopwatch::now();
  ZCDP_ASSIGN_OR_RETURN(const Delivery d, hook.Deliver(batch));
  run.http_s += SecondsSince(t0);
  run.failed += static_cast<int64_t>(d.failed.size());
  run.records += static_cast<int64_t>(batch.records.size());
  ++run.batches;
  return Status::Ok();
}

Result<HttpRun> MeasureHttpAlone(Warehouse& wh, const DestinationConfig& dest,
                                 const std::string& url, uint64_t seed, int64_t total) {
  ZCDP_ASSIGN_OR_RETURN(auto hook, activation::WebhookDestination::Create(HookOptions(url, seed)));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream,
                        wh.Stream("SELECT * FROM bench_raw.diff_first ORDER BY record_key"));
  HttpRun run;
  Batch batch;
  std::vector<std::string> fields;
  for (const FieldMapping& f : dest.fields) fields.push_back(f.name.value);
  const auto fresh = [&] {
    batch = Batch{dest.name.value, dest.purpose->value, 2, run.batches, "", fields, {}};
  };
  fresh();
  const auto progress = TenthsPrinter("http alone: delivered");
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = Stopwatch::now();
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) break;
    for (size_t row = 0; row < chunk->row_count(); ++row) {
      AddRecord(*chunk, row, batch);
      if (static_cast<int64_t>(batch.records.size()) < dest.batch_size) continue;
      ZCDP_RETURN_IF_ERROR(MeasureBatch(*hook, batch, run));
      progress(static_cast<double>(run.records) / static_cast<double>(total));
      fresh();
    }
  }
  if (!batch.records.empty()) ZCDP_RETURN_IF_ERROR(MeasureBatch(*hook, batch, run));
  run.cpu_s = ProcessCpuSeconds() - cpu0;
  run.wall_s = SecondsSince(t0);
  return run;
}

Status RunHttpAlone(Warehouse& wh, const DestinationConfig& dest,
                    const testing::HttpReceiver& receiver, uint64_t seed, Report& r) {
  ZCDP_ASSIGN_OR_RETURN(const int64_t total, Count(wh, "bench_raw.diff_first"));
  Progress("http alone: WebhookDestination::Deliver on the first sync's batches");
  const size_t requests0 = receiver.request_count();
  ZCDP_ASSIGN_OR_RETURN(const HttpRun run, MeasureHttpAlone(wh, dest, receiver.url(), seed, total));
  const auto n = static_cast<double>(run.records);
  const double per_s = n / run.http_s;
  r.AddTargeted("delivery, HTTP alone (WebhookDestination::Deliver)", per_s, "records/s",
                ">= 50,000 records/s", per_s >= kDeliveryTargetPerSecond);
  r.Add("baseline: JSON serialization alone (WebhookBody)", n / run.json_s, "records/s");
  r.Add("HTTP delivery / JSON serialization time", run.http_s / run.json_s, "x");
  r.Add("payload per record", static_cast<double>(run.bytes) / n, "bytes");
  r.Add("http alone: reading the diff table and building batches (untimed above)",
        run.wall_s - run.http_s - run.json_s, "s");
  r.Add("http alone: process CPU / wall", run.cpu_s / run.wall_s, "x");
  r.Expect(run.records == total && run.failed == 0, "every record is accepted over HTTP alone (" +
                                                        std::to_string(total) + "), got " +
                                                        std::to_string(run.records - run.failed));
  r.Expect(receiver.request_count() - requests0 == static_cast<size_t>(run.batches),
           "one request per batch over HTTP alone");
  return wh.Execute("DROP TABLE bench_raw.diff_first");
}

// ---- The run -----------------------------------------------------------------------------

Status RunAll(const Args& a, Report& r) {
  const fs::path dir = fs::path(a.dir) / ("run-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string db = (dir / "warehouse.duckdb").string();
  testing::HttpReceiver receiver(testing::Recording::kCountsOnly);
  if (receiver.port() == 0) return Status::Unavailable("the loopback receiver did not start");
  ZCDP_ASSIGN_OR_RETURN(const Project project, MakeProject(dir, db, receiver.url()));
  const DestinationConfig& dest = project.destinations.front();
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, OpenWarehouse(WarehouseOptions{.path = db}));
  ZCDP_RETURN_IF_ERROR(wh->Execute("SET GLOBAL checkpoint_threshold = " +
                                   wh->dialect().QuoteString(a.checkpoint_threshold)));
  Progress("warehouse: " + std::to_string(a.members) + " members into " + db);
  const auto t0 = Stopwatch::now();
  for (const std::string& sql : WarehouseSql(a.members, a.seed)) {
    ZCDP_RETURN_IF_ERROR(wh->Execute(sql));
  }
  r.Add("warehouse build (SQL over range())", SecondsSince(t0), "s");
  Status s = RunDiffs(project, *wh, dest, r);
  if (s.ok()) s = RunSync(project, *wh, dest, receiver, a.seed, r);
  if (s.ok()) s = RunHttpAlone(*wh, dest, receiver, a.seed, r);
  wh.reset();
  fs::remove_all(dir);
  return s;
}

Json Environment(const Args& a, const std::string& load_before) {
  return {{"cores", std::thread::hardware_concurrency()},
          {"members", a.members},
          {"seed", a.seed},
          {"batch_size", 1000},
          {"engine", "DuckDB (embedded), default threads"},
          {"duckdb_checkpoint_threshold", a.checkpoint_threshold},
          {"why_checkpoint_threshold",
           "DuckDB's default: automatic checkpoints happen during the sync, as in production"},
          {"receiver", "libmicrohttpd on loopback, thread per connection, answers 200 {}"},
          {"load_average_before", load_before},
          {"load_average_after", LoadAverage()},
          {"peak_rss_mib", PeakRssMiB()}};
}

void PrintSummary(const Report& r) {
  std::printf("\n");
  for (const auto& m : r.metrics) {
    std::string verdict;
    if (m.contains("target")) {
      verdict = "  [target " + m["target"].get<std::string>() + ": " +
                (!r.applies              ? "n/a below 1e6"
                 : m["pass"].get<bool>() ? "met"
                                         : "NOT met") +
                "]";
    }
    std::printf("%-90s %14.3f %s%s\n", m["name"].get<std::string>().c_str(),
                m["value"].get<double>(), m["unit"].get<std::string>().c_str(), verdict.c_str());
  }
}

}  // namespace
}  // namespace zcdp::bench

int main(int argc, char** argv) {
  using namespace zcdp::bench;
  Args a;
  if (!ParseArgs(argc, argv, a)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string load_before = LoadAverage();
  Report r;
  r.label = SizeLabel(a.members) + ": ";
  r.applies = a.members >= kTargetMembers;
  std::printf("== bench_activation: %lld members, seed %llu (load average %s)\n",
              static_cast<long long>(a.members), static_cast<unsigned long long>(a.seed),
              load_before.c_str());
  const zcdp::Status s = RunAll(a, r);
  if (!s.ok()) std::fprintf(stderr, "bench_activation: %s\n", s.message().c_str());
  Json j;
  j["benchmark"] = "activation";
  j["metrics"] = r.metrics;
  j["target"] = {{"description",
                  "diff of a 1e6-member audience < 5 s, delivery >= 50,000 "
                  "records/s to a loopback webhook"},
                 {"applies", r.applies},
                 {"met", r.applies && s.ok() && r.targets_met && r.failed_checks.empty()}};
  j["checks_failed"] = r.failed_checks;
  if (!s.ok()) j["error"] = s.message();
  j["environment"] = Environment(a, load_before);
  PrintSummary(r);
  fs::path out = a.out;
  if (out.extension() != ".json") out /= "activation.json";
  fs::create_directories(out.parent_path());
  std::ofstream(out) << j.dump(2) << "\n";
  std::printf("wrote %s\n", out.c_str());
  return s.ok() && r.failed_checks.empty() ? 0 : 1;
}
