// Benchmark of compiled audience SQL against hand-written SQL.
//
//   bench_audiences [--profiles N] [--seed S] [--dir DIR] [--reuse] [--threads T]
//                   [--out FILE.json | --out DIR]
//
// Runs `zcdp demo` (N profiles, default 1e6, seed 42, as of today) into DIR (default
// TMP/zcdp-bench-audiences-N); with --reuse, a DIR that already holds a succeeded run of the
// same size and seed is used as it is. Then, in one process and one DuckDB engine, times
// count(*) over each demo audience's compiled SQL (audience::Compiler) and over the
// hand-written SQL for the same condition (tests/support/demo_audience_sql.h): one warm-up
// and three timed runs each, alternating which goes first, best of three. Every query runs
// in one read-only transaction, so that all see the same current timestamp. The two must
// return the same profiles: a difference is reported and the exit code is 1.
// Writes bench/results/audiences.json (or FILE, or DIR/audiences.json).
// The target: compiled within 1.2x of hand-written for every audience at 1e6 profiles.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/clock.h"
#include "zcdp/expr/bound.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/model/project.h"
#include "zcdp/traits/traits.h"
#include "zcdp/warehouse/warehouse.h"

#include "support/demo_audience_sql.h"

namespace zcdp::bench {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kTargetProfiles = 1'000'000;
constexpr double kTargetRatio = 1.2;
constexpr int kTimedRuns = 3;

struct Args {
  int64_t profiles = kTargetProfiles;
  uint64_t seed = 42;
  std::string dir;  // empty: TMP/zcdp-bench-audiences-N
  std::string out = std::string(ZCDP_SOURCE_DIR) + "/bench/results";
  bool reuse = false;
  int threads = 0;  // 0: the engine default (one per core)
};

constexpr const char* kUsage =
    "usage: bench_audiences [--profiles N] [--seed S] [--dir DIR] [--reuse] [--threads T] "
    "[--out FILE.json | --out DIR]\n";

bool ParseArgs(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--reuse") {
      a.reuse = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (k == "--profiles") {
      a.profiles = std::atoll(v.c_str());
    } else if (k == "--seed") {
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--out") {
      a.out = v;
    } else if (k == "--threads") {
      a.threads = std::atoi(v.c_str());
    } else {
      return false;
    }
  }
  if (a.dir.empty()) {
    a.dir = (fs::temp_directory_path() / ("zcdp-bench-audiences-" + std::to_string(a.profiles)))
                .string();
  }
  return a.profiles > 0 && a.threads >= 0;
}

// --out names the JSON file when it ends in .json, else the directory it goes into.
std::string JsonPath(const Args& a) {
  const fs::path out(a.out);
  return out.extension() == ".json" ? out.string() : (out / "audiences.json").string();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// The value of the first "key : value" line of `path` whose key starts with `key`.
std::string ProcValue(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const size_t colon = line.find(':');
    const size_t start = line.find_first_not_of(" \t", colon + 1);
    return colon == std::string::npos || start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// --- The shop ---------------------------------------------------------------------------

// True when DIR holds a shop of `a.profiles` persons and `a.seed` whose last run succeeded
// through the audiences step.
bool HasMatchingRun(const Args& a) {
  const nlohmann::json stats = ReadJson(fs::path(a.dir) / "truth" / "stats.json");
  if (stats.value("profiles", int64_t{-1}) != a.profiles) return false;
  if (stats.value("seed", uint64_t{0}) != a.seed) return false;
  if (stats.value("format", std::string()) != "duckdb") return false;
  const nlohmann::json run = ReadJson(fs::path(a.dir) / ".zcdp" / "last_run.json");
  if (run.value("status", std::string()) != "succeeded") return false;
  for (const auto& step : run.value("steps", nlohmann::json::array())) {
    if (step.value("step", std::string()) == "audiences") return true;
  }
  return false;
}

// Removes an earlier demo from DIR (only files `zcdp demo` writes, and only when DIR holds
// demo ground truth), so that the new run starts from scratch.
Status ClearEarlierDemo(const std::string& dir) {
  if (!fs::exists(fs::path(dir) / "truth" / "stats.json")) return Status::Ok();
  std::error_code ec;
  for (const char* name :
       {"warehouse.duckdb", "warehouse.duckdb.wal", "lake", "truth", "zcdp.yaml", ".zcdp"}) {
    fs::remove_all(fs::path(dir) / name, ec);
    if (ec) return Status::IoError("cannot remove " + dir + "/" + name + ": " + ec.message());
  }
  return Status::Ok();
}

// Generates the shop and runs the pipeline with `zcdp demo`, its progress on our stdout.
// Returns the seconds it took, 0 when an earlier run was reused.
Result<double> PrepareShop(const Args& a) {
  if (a.reuse && HasMatchingRun(a)) {
    std::printf("reusing the demo run in %s (%lld profiles, seed %llu)\n", a.dir.c_str(),
                static_cast<long long>(a.profiles), static_cast<unsigned long long>(a.seed));
    return 0.0;
  }
  ZCDP_RETURN_IF_ERROR(ClearEarlierDemo(a.dir));
  // zcdp's stdout is a pipe here, so it would be block-buffered: line-buffer it where
  // coreutils' stdbuf exists, so that each step's progress shows as it happens.
  const std::string line_buffered = fs::exists("/usr/bin/stdbuf") ? "/usr/bin/stdbuf -oL " : "";
  const std::string cmd = line_buffered + ShellQuote(ZCDP_BINARY) + " demo --dir " +
                          ShellQuote(a.dir) + " --profiles " + std::to_string(a.profiles) +
                          " --seed " + std::to_string(a.seed);
  std::printf("running %s\n(the identity step takes minutes at 1e6 profiles)\n", cmd.c_str());
  std::fflush(stdout);
  const auto start = std::chrono::steady_clock::now();
  if (std::system(cmd.c_str()) != 0) return Status::Internal("zcdp demo failed: " + cmd);
  return SecondsSince(start);
}

// --- Timing -----------------------------------------------------------------------------

struct Measurement {
  std::string name;
  std::string compiled_sql;
  std::string handwritten_sql;
  std::vector<double> compiled_runs;  // timed runs, seconds (the warm-up is not kept)
  std::vector<double> handwritten_runs;
  int64_t members = 0;  // profiles in the audience, by either query
  int64_t only_compiled = 0;
  int64_t only_handwritten = 0;
  bool counts_agree = true;  // every timed count(*) equalled `members`

  double Best(const std::vector<double>& runs) const {
    return runs.empty() ? 0 : *std::min_element(runs.begin(), runs.end());
  }
  double compiled() const { return Best(compiled_runs); }
  double handwritten() const { return Best(handwritten_runs); }
  double ratio() const { return compiled() / handwritten(); }
  bool equal() const { return only_compiled == 0 && only_handwritten == 0 && counts_agree; }
};

// count(*) over `select`, timed.
Result<double> TimeCount(Warehouse& wh, const std::string& select, int64_t expected, bool& agree) {
  const auto start = std::chrono::steady_clock::now();
  ZCDP_ASSIGN_OR_RETURN(int64_t n, QueryInt(wh, "SELECT count(*) FROM (" + select + ") q"));
  const double seconds = SecondsSince(start);
  agree = agree && n == expected;
  return seconds;
}

// The profiles in each query and in only one of them, in one statement.
Status CompareMembers(Warehouse& wh, Measurement& m) {
  const std::string a = "(SELECT DISTINCT profile_id FROM (" + m.compiled_sql + ") c)";
  const std::string b = "(SELECT DISTINCT profile_id FROM (" + m.handwritten_sql + ") h)";
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r, wh.Query("WITH a AS " + a + ", b AS " + b +
                              " SELECT (SELECT count(*) FROM a), "
                              "(SELECT count(*) FROM (SELECT * FROM a EXCEPT SELECT * FROM b)), "
                              "(SELECT count(*) FROM (SELECT * FROM b EXCEPT SELECT * FROM a))"));
  const auto cell = [&](size_t i) { return std::stoll(r.rows.at(0).at(i).ToString()); };
  m.members = cell(0);
  m.only_compiled = cell(1);
  m.only_handwritten = cell(2);
  return Status::Ok();
}

// One warm-up and kTimedRuns timed runs of each query; odd rounds run the hand-written one
// first, so that neither always profits from the other's cache.
Status TimeBoth(Warehouse& wh, Measurement& m) {
  for (int round = 0; round <= kTimedRuns; ++round) {
    const bool compiled_first = round % 2 == 0;
    for (int k = 0; k < 2; ++k) {
      const bool compiled = (k == 0) == compiled_first;
      ZCDP_ASSIGN_OR_RETURN(double s, TimeCount(wh, compiled ? m.compiled_sql : m.handwritten_sql,
                                                m.members, m.counts_agree));
      if (round == 0) continue;  // the warm-up
      (compiled ? m.compiled_runs : m.handwritten_runs).push_back(s);
    }
  }
  return Status::Ok();
}

Result<Measurement> MeasureAudience(Warehouse& wh, const audience::Compiler& compiler,
                                    const testing::HandwrittenAudience& hand) {
  Measurement m;
  m.name = hand.name;
  m.handwritten_sql = hand.sql;
  ZCDP_ASSIGN_OR_RETURN(m.compiled_sql, compiler.AudienceSql(hand.name));
  ZCDP_RETURN_IF_ERROR(CompareMembers(wh, m));
  ZCDP_RETURN_IF_ERROR(TimeBoth(wh, m));
  std::printf("  %-20s %10lld members  compiled %8.3f s  hand-written %8.3f s  ratio %5.2f%s\n",
              m.name.c_str(), static_cast<long long>(m.members), m.compiled(), m.handwritten(),
              m.ratio(), m.equal() ? "" : "  MEMBERS DIFFER");
  std::fflush(stdout);
  return m;
}

// Every demo audience, in one read-only transaction (one current timestamp for all).
Result<std::vector<Measurement>> MeasureAll(Warehouse& wh, const Project& project) {
  ZCDP_ASSIGN_OR_RETURN(expr::Catalog catalog, expr::LoadCatalog(project, wh));
  ZCDP_ASSIGN_OR_RETURN(expr::BoundProject bound, expr::BindAll(project, catalog));
  const int64_t as_of = SystemClock::Instance().NowMicros();
  const audience::Compiler compiler(project, wh.dialect(), bound, as_of, "",
                                    audience::TraitValues::kInline);
  Transaction tx(wh);
  ZCDP_RETURN_IF_ERROR(tx.Begin());
  std::vector<Measurement> out;
  for (const auto& hand : testing::DemoAudienceSql(project.warehouse.output_schema,
                                                   wh.dialect().TimestampLiteral(as_of))) {
    ZCDP_ASSIGN_OR_RETURN(Measurement m, MeasureAudience(wh, compiler, hand));
    out.push_back(std::move(m));
  }
  ZCDP_RETURN_IF_ERROR(tx.Commit());
  return out;
}

// --- Report -----------------------------------------------------------------------------

nlohmann::json Metric(const std::string& name, double value, const std::string& unit = "") {
  return {{"name", name}, {"value", value}, {"unit", unit}};
}

double MaxRatio(const std::vector<Measurement>& ms) {
  double max = 0;
  for (const auto& m : ms) max = std::max(max, m.ratio());
  return max;
}

bool AllEqual(const std::vector<Measurement>& ms) {
  return std::all_of(ms.begin(), ms.end(), [](const Measurement& m) { return m.equal(); });
}

nlohmann::json Metrics(const Args& a, const std::vector<Measurement>& ms, double demo_seconds) {
  nlohmann::json j = nlohmann::json::array();
  j.push_back(Metric("profiles", double(a.profiles)));
  for (const auto& m : ms) {
    j.push_back(Metric(m.name + ": compiled", m.compiled(), "s"));
    j.push_back(Metric(m.name + ": hand-written", m.handwritten(), "s"));
    j.push_back(Metric(m.name + ": compiled / hand-written", m.ratio(), "x"));
    j.push_back(Metric(m.name + ": members", double(m.members)));
  }
  j.push_back(Metric("max compiled / hand-written", MaxRatio(ms), "x"));
  if (demo_seconds > 0) j.push_back(Metric("demo (generate + pipeline)", demo_seconds, "s"));
  return j;
}

nlohmann::json AudienceJson(const Measurement& m) {
  return {{"name", m.name},
          {"compiled_s", m.compiled()},
          {"handwritten_s", m.handwritten()},
          {"ratio", m.ratio()},
          {"members", m.members},
          {"members_equal", m.equal()},
          {"only_in_compiled", m.only_compiled},
          {"only_in_handwritten", m.only_handwritten},
          {"compiled_runs_s", m.compiled_runs},
          {"handwritten_runs_s", m.handwritten_runs},
          {"compiled_sql", m.compiled_sql},
          {"handwritten_sql", m.handwritten_sql}};
}

Result<nlohmann::json> Environment(Warehouse& wh, const Args& a, const std::string& load_before) {
  ZCDP_ASSIGN_OR_RETURN(std::string version, QueryText(wh, "SELECT version()"));
  ZCDP_ASSIGN_OR_RETURN(int64_t threads, QueryInt(wh, "SELECT current_setting('threads')"));
  const nlohmann::json shop = ReadJson(fs::path(a.dir) / "truth" / "stats.json");
  return nlohmann::json{{"cores", std::thread::hardware_concurrency()},
                        {"threads", threads},
                        {"cpu", ProcValue("/proc/cpuinfo", "model name")},
                        {"memory", ProcValue("/proc/meminfo", "MemTotal")},
                        {"duckdb_version", version},
                        {"zcdp", ZCDP_VERSION},
                        {"seed", a.seed},
                        {"as_of", shop.value("as_of", std::string())},
                        {"rows", shop.value("rows", nlohmann::json::object())},
                        {"load_average_before", load_before},
                        {"load_average_after", LoadAverage()}};
}

// Seconds per step of the pipeline run the audiences were timed on (also when reused).
nlohmann::json PipelineSteps(const std::string& dir) {
  const nlohmann::json run = ReadJson(fs::path(dir) / ".zcdp" / "last_run.json");
  nlohmann::json out = nlohmann::json::object();
  for (const auto& step : run.value("steps", nlohmann::json::array())) {
    out[step.value("step", std::string("?"))] = step.value("seconds", 0.0);
  }
  return out;
}

nlohmann::json Report(const Args& a, const std::vector<Measurement>& ms, const nlohmann::json& env,
                      double demo_seconds) {
  const bool applies = a.profiles >= kTargetProfiles;
  nlohmann::json j;
  j["benchmark"] = "audiences";
  j["metrics"] = Metrics(a, ms, demo_seconds);
  j["target"] = {{"description", "compiled <= 1.2x hand-written SQL, every demo audience, 1e6"},
                 {"met", applies && AllEqual(ms) && MaxRatio(ms) <= kTargetRatio},
                 {"applies", applies},
                 {"profiles", kTargetProfiles},
                 {"max_ratio", kTargetRatio}};
  j["environment"] = env;
  j["profiles"] = a.profiles;
  j["seed"] = a.seed;
  j["threads"] = env["threads"];
  j["max_ratio"] = MaxRatio(ms);
  j["members_equal"] = AllEqual(ms);
  j["demo_seconds"] = demo_seconds;  // 0 when an earlier run was reused
  j["pipeline_step_seconds"] = PipelineSteps(a.dir);
  j["timing"] = "count(*) over each query; best of 3 after one warm-up, order alternating";
  j["audiences"] = nlohmann::json::array();
  for (const auto& m : ms) j["audiences"].push_back(AudienceJson(m));
  return j;
}

Status WriteJson(const std::string& path, const nlohmann::json& j) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::ofstream f(path, std::ios::trunc);
  f << j.dump(2) << "\n";
  f.close();
  return f ? Status::Ok() : Status::IoError("cannot write '" + path + "'");
}

Result<Project> LoadDemoProject(const std::string& dir) {
  const std::string file = (fs::path(dir) / "zcdp.yaml").string();
  Diagnostics diags(file);
  std::optional<Project> project = LoadProject(file, diags);
  if (!project || diags.has_errors()) return Status::Invalid(diags.ToString());
  return std::move(*project);
}

// Returns 1 when the two queries of an audience disagree on its members.
Result<int> Run(const Args& a) {
  const std::string load_before = LoadAverage();
  ZCDP_ASSIGN_OR_RETURN(double demo_seconds, PrepareShop(a));
  ZCDP_ASSIGN_OR_RETURN(Project project, LoadDemoProject(a.dir));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh,
                        OpenWarehouse({.path = project.warehouse.path,
                                       .read_only = true,
                                       .create_if_missing = false,
                                       .threads = a.threads}));
  std::printf("timing %zu audiences at %lld profiles (count(*), best of %d after a warm-up)\n",
              project.audiences.size(), static_cast<long long>(a.profiles), kTimedRuns);
  ZCDP_ASSIGN_OR_RETURN(std::vector<Measurement> ms, MeasureAll(*wh, project));
  ZCDP_ASSIGN_OR_RETURN(nlohmann::json env, Environment(*wh, a, load_before));
  const nlohmann::json report = Report(a, ms, env, demo_seconds);
  const std::string path = JsonPath(a);
  ZCDP_RETURN_IF_ERROR(WriteJson(path, report));
  std::printf("max compiled / hand-written: %.2f (target <= %.1f at 1e6: %s)\nwrote %s\n",
              MaxRatio(ms), kTargetRatio, report["target"]["met"].get<bool>() ? "met" : "NOT met",
              path.c_str());
  if (AllEqual(ms)) return 0;
  for (const auto& m : ms) {
    if (m.equal()) continue;
    std::fprintf(stderr,
                 "MISMATCH in %s: %lld profiles only in the compiled SQL, %lld only in the "
                 "hand-written SQL%s\n",
                 m.name.c_str(), static_cast<long long>(m.only_compiled),
                 static_cast<long long>(m.only_handwritten),
                 m.counts_agree ? "" : "; the timed counts disagree");
  }
  return 1;
}

}  // namespace
}  // namespace zcdp::bench

int main(int argc, char** argv) {
  zcdp::bench::Args args;
  if (!zcdp::bench::ParseArgs(argc, argv, args)) {
    std::fputs(zcdp::bench::kUsage, stderr);
    return 2;
  }
  const zcdp::Result<int> code = zcdp::bench::Run(args);
  if (!code.ok()) {
    std::fprintf(stderr, "bench_audiences: %s\n", code.status().message().c_str());
    return 1;
  }
  return *code;
}
