// The full pipeline on PostgreSQL and on DuckDB, from the same run.
//
//   bench_engines [--profiles N[,N...]] [--seed S] [--as-of YYYY-MM-DD] [--dsn ADMIN_DSN]
//                 [--dir TMP] [--out FILE.json | --out DIR]
//
// For each size (default 100000,1000000): `zcdp generate` the demo shop into a DuckDB file
// and into a fresh PostgreSQL database (COPY), then `zcdp run -v` on each, timed. Without
// --dsn a throwaway PostgreSQL 15 cluster is started with scripts/pg-test-cluster (loopback,
// unix socket) and stopped at the end. Reports load and pipeline seconds per engine, seconds
// per step, the PostgreSQL / DuckDB ratio, and the slowest statements of each run (from the
// `-v` log), which say where the time goes. No target: a report.
// Writes bench/results/engines.json (or FILE, or DIR/engines.json) after every engine run, so
// that a run stopped part way keeps what it measured.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_util.h"

namespace zcdp::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<long long> sizes = {100000, 1000000};
  unsigned long long seed = 42;
  std::string as_of = "2026-11-01";
  std::string dsn;  // admin DSN; empty: start a throwaway cluster
  std::string dir = (fs::temp_directory_path() / "zcdp-bench-engines").string();
  std::string out = std::string(ZCDP_SOURCE_DIR) + "/bench/results";
  std::string zcdp = ZCDP_BINARY;  // --zcdp: a copy, so rebuilding during a long run is safe
};

constexpr const char* kUsage =
    "usage: bench_engines [--profiles N[,N...]] [--seed S] [--as-of YYYY-MM-DD] "
    "[--dsn ADMIN_DSN] [--dir TMP] [--out FILE.json | --out DIR] [--zcdp BINARY]\n";

bool ParseArgs(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--profiles") {
      a.sizes.clear();
      std::stringstream ss(v);
      for (std::string n; std::getline(ss, n, ',');) a.sizes.push_back(std::atoll(n.c_str()));
    } else if (k == "--seed") {
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--as-of") {
      a.as_of = v;
    } else if (k == "--dsn") {
      a.dsn = v;
    } else if (k == "--dir") {
      a.dir = v;
    } else if (k == "--out") {
      a.out = v;
    } else if (k == "--zcdp") {
      a.zcdp = v;
    } else {
      return false;
    }
  }
  return argc % 2 == 1;
}

struct EngineRun {
  double load_s = 0, pipeline_s = 0;
  nlohmann::json steps = nlohmann::json::object();
  nlohmann::json slowest;
  bool ok = false;
};

EngineRun RunEngine(const Args& a, long long n, const std::string& engine, const std::string& dsn) {
  EngineRun r;
  const fs::path dir = fs::path(a.dir) / (engine + "-" + std::to_string(n));
  fs::remove_all(dir);
  std::string gen = ShellQuote(a.zcdp) + " generate -n " + std::to_string(n) + " -s " +
                    std::to_string(a.seed) + " --as-of " + a.as_of + " --format " + engine +
                    " -o " + ShellQuote(dir.string());
  if (engine == "postgres") gen += " --dsn " + ShellQuote(dsn);
  std::printf("  %s: generate %lld profiles\n", engine.c_str(), n);
  std::fflush(stdout);
  auto t0 = Clock::now();
  if (Run(gen) != 0) return r;
  r.load_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("  %s: zcdp run (load took %.1f s)\n", engine.c_str(), r.load_s);
  std::fflush(stdout);
  std::string log;
  t0 = Clock::now();
  if (Run(ShellQuote(a.zcdp) + " run -v -p " + ShellQuote(dir.string()), &log) != 0) return r;
  r.pipeline_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("  %s: pipeline %.1f s\n", engine.c_str(), r.pipeline_s);
  std::ifstream in(dir / ".zcdp" / "last_run.json");
  const nlohmann::json run = nlohmann::json::parse(in, nullptr, false);
  if (run.is_object()) {
    for (const auto& step : run.value("steps", nlohmann::json::array())) {
      r.steps[step.value("step", std::string("?"))] = step.value("seconds", 0.0);
    }
  }
  r.slowest = SlowestStatements(log, 8);
  r.ok = true;
  if (engine == "duckdb") fs::remove_all(dir);  // large; the PostgreSQL data goes with its database
  return r;
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
  fs::create_directories(a.dir);
  PgCluster cluster((fs::temp_directory_path() / "zcdp-bench-pg").string());
  if (a.dsn.empty()) {
    a.dsn = cluster.Start();
    if (a.dsn.empty()) return 1;
  }
  const std::string load_before = LoadAverage();
  nlohmann::json metrics = nlohmann::json::array();
  nlohmann::json details = nlohmann::json::object();
  fs::path out = a.out;
  if (out.extension() != ".json") out /= "engines.json";
  // Written after every engine run, so that a run stopped part way keeps what it measured.
  const auto write = [&] {
    nlohmann::json j;
    j["benchmark"] = "engines";
    j["metrics"] = metrics;
    j["details"] = details;
    j["environment"] = {{"cores", std::thread::hardware_concurrency()},
                        {"seed", a.seed},
                        {"as_of", a.as_of},
                        {"postgres", "PostgreSQL 15, throwaway cluster on loopback (fsync off)"},
                        {"load_average_before", load_before},
                        {"load_average_after", LoadAverage()}};
    fs::create_directories(out.parent_path());
    std::ofstream(out) << j.dump(2) << "\n";
  };
  const auto record = [&](const std::string& label, const std::string& engine,
                          const EngineRun& run) {
    metrics.push_back(Metric(label + ": " + engine + " pipeline", run.pipeline_s, "s"));
    metrics.push_back(
        Metric(label + ": " + engine + " load (generate" + (engine == "postgres" ? ", COPY)" : ")"),
               run.load_s, "s"));
    for (const auto& [step, secs] : run.steps.items()) {
      metrics.push_back(Metric(label + ": " + engine + " step " + step, secs.get<double>(), "s"));
    }
    details[label][engine] = {{"slowest_statements", run.slowest}};
    write();
  };
  int rc = 0;
  for (long long n : a.sizes) {
    const std::string label = SizeLabel(n);
    std::printf("== %s profiles\n", label.c_str());
    const std::string db = "zcdp_bench_" + std::to_string(n);
    const std::string psql = "psql -X -q -v ON_ERROR_STOP=1 -d " + ShellQuote(a.dsn) + " -c ";
    if (Run(psql + ShellQuote("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)") + " -c " +
            ShellQuote("CREATE DATABASE " + db)) != 0) {
      rc = 1;
      break;
    }
    const EngineRun duck = RunEngine(a, n, "duckdb", "");
    if (duck.ok) record(label, "duckdb", duck);
    const EngineRun pg = RunEngine(a, n, "postgres", WithDbName(a.dsn, db));
    if (pg.ok) record(label, "postgres", pg);
    (void)Run(psql + ShellQuote("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)"));
    if (!duck.ok || !pg.ok) {
      rc = 1;
      continue;
    }
    metrics.push_back(
        Metric(label + ": postgres / duckdb pipeline", pg.pipeline_s / duck.pipeline_s, "x"));
    write();
  }
  cluster.Stop();
  write();
  std::printf("wrote %s\n", out.c_str());
  return rc;
}
