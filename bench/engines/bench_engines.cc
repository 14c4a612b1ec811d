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
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

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

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; returns its exit code, its stderr in `err` when given.
int Run(const std::string& cmd, std::string* err = nullptr) {
  const std::string err_file =
      fs::temp_directory_path() / ("zcdp_bench_err_" + std::to_string(::getpid()));
  const int rc = std::system((cmd + " > /dev/null 2> " + ShellQuote(err_file)).c_str());
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  if (err != nullptr) *err = ss.str();
  fs::remove(err_file);
  if (rc != 0)
    std::fprintf(stderr, "command failed (%d): %s\n%s\n", rc, cmd.c_str(), ss.str().c_str());
  return rc;
}

std::string ReadTrimmed(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

std::string LoadAverage() { return ReadTrimmed("/proc/loadavg"); }

nlohmann::json Metric(const std::string& name, double value, const std::string& unit) {
  return {{"name", name}, {"value", value}, {"unit", unit}};
}

std::string SizeLabel(long long n) {
  int e = 0;
  long long m = n;
  while (m >= 10 && m % 10 == 0) {
    m /= 10;
    ++e;
  }
  return m == 1 ? "1e" + std::to_string(e) : std::to_string(n);
}

// The slowest statements of a `zcdp run -v` log ("zcdp: debug: STEP: 1.234s: SQL...").
nlohmann::json SlowestStatements(const std::string& log, size_t keep) {
  static const std::regex line(R"(zcdp: debug: (\w+): ([0-9.]+)s: (.*))");
  std::vector<std::pair<double, std::string>> all;
  std::stringstream ss(log);
  for (std::string l; std::getline(ss, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line))
      all.emplace_back(std::stod(m[2]), m[1].str() + ": " + m[3].str());
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < all.size() && i < keep; ++i) {
    out.push_back({{"seconds", all[i].first}, {"statement", all[i].second}});
  }
  return out;
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

std::string WithDbName(const std::string& dsn, const std::string& db) {
  std::stringstream in(dsn);
  std::string out;
  for (std::string w; in >> w;) {
    if (w.rfind("dbname=", 0) != 0) out += w + " ";
  }
  return out + "dbname=" + db;
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
  const std::string cluster = (fs::temp_directory_path() / "zcdp-bench-pg").string();
  const std::string script = std::string(ZCDP_SOURCE_DIR) + "/scripts/pg-test-cluster";
  bool started = false;
  if (a.dsn.empty()) {
    if (Run(script + " start " + ShellQuote(cluster)) != 0) return 1;
    started = true;
    a.dsn = ReadTrimmed(fs::path(cluster) / "dsn");
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
  if (started) (void)Run(script + " stop " + ShellQuote(cluster));
  write();
  std::printf("wrote %s\n", out.c_str());
  return rc;
}
