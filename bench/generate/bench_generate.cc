// Benchmark of the synthetic shop generator.
//
//   bench_generate [--profiles N] [--format duckdb|parquet] [--threads T] [--seed S]
//                  [--dir TMP] [--out RESULTS_DIR | --json PATH]
//
// Generates N profiles (default 1e6) with a fixed seed into a temporary directory, then, in
// the same run, writes the same number of rows with DuckDB alone (INSERT ... SELECT over
// range(), no generator logic) as the baseline, and writes the figures as JSON (default
// bench/results/generate.json; the shape scripts/bench-table reads, plus the raw figures).
// The target: 1e6 profiles in under 120 s on 2 cores.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <stdlib.h>

#include "zcdp/generate/generator.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp {
namespace {

constexpr int64_t kTargetProfiles = 1'000'000;
constexpr double kTargetSeconds = 120;

struct Args {
  GeneratorOptions gen;
  std::string dir;
  std::string json = std::string(ZCDP_SOURCE_DIR) + "/bench/results/generate.json";
};

bool ParseArgs(int argc, char** argv, Args& a) {
  a.gen.profiles = kTargetProfiles;
  a.gen.seed = 42;
  a.gen.as_of_days = 20454;  // 2026-01-01: fixed, so that every run writes the same data
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--profiles")
      a.gen.profiles = std::atoll(v.c_str());
    else if (k == "--threads")
      a.gen.threads = std::atoi(v.c_str());
    else if (k == "--seed")
      a.gen.seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--format")
      a.gen.format = v == "parquet" ? GeneratorFormat::kParquet : GeneratorFormat::kDuckDb;
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--json")
      a.json = v;
    else
      return false;
  }
  return argc % 2 == 1;
}

// Peak resident set size of this process so far, in MiB (VmHWM).
double PeakRssMb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// DuckDB alone writing `rows` rows shaped like web.events into a fresh file: the floor the
// generator's own logic adds to.
Result<double> Baseline(const std::string& dir, int64_t rows) {
  WarehouseOptions o;
  o.path = dir + "/baseline.duckdb";
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> wh, OpenWarehouse(o));
  ZCDP_RETURN_IF_ERROR(wh->Execute(
      "CREATE TABLE events (event_id VARCHAR, anonymous_id VARCHAR, user_id VARCHAR, event "
      "VARCHAR, event_time TIMESTAMP, path VARCHAR, device VARCHAR)"));
  const auto start = std::chrono::steady_clock::now();
  ZCDP_RETURN_IF_ERROR(wh->Execute(
      "INSERT INTO events SELECT 'evt_' || lpad(to_hex(hash(i)), 16, '0'), md5(i::VARCHAR), "
      "CASE WHEN i % 3 = 0 THEN NULL ELSE 'usr_' || (i % 1000000)::VARCHAR END, "
      "['page_view', 'product_view', 'add_to_cart'][i % 3 + 1], "
      "TIMESTAMP '2024-01-02' + to_seconds(i % 63072000), '/products/p' || (i % 5000)::VARCHAR, "
      "['desktop', 'mobile', 'tablet'][i % 3 + 1] FROM range(" +
      std::to_string(rows) +
      ") r(i);"
      "CHECKPOINT;"));
  return SecondsSince(start);
}

nlohmann::json Metric(const std::string& name, double value, const std::string& unit) {
  return {{"name", name}, {"value", value}, {"unit", unit}};
}

nlohmann::json Report(const Args& a, const GeneratorStats& s, double seconds, double rss,
                      double baseline) {
  int64_t total = 0;
  for (const auto& [table, n] : s.rows) total += n;
  const bool applies = a.gen.profiles >= kTargetProfiles;
  nlohmann::json j;
  j["benchmark"] = "generate";
  j["metrics"] = {
      Metric("profiles", double(a.gen.profiles), ""),
      Metric("rows (all tables)", double(total), ""),
      Metric("time", seconds, "s"),
      Metric("throughput", total / seconds, "rows/s"),
      Metric("peak RSS", rss, "MiB"),
      Metric("baseline: DuckDB INSERT ... SELECT range(), same rows", baseline, "s"),
      Metric("generator / baseline time", seconds / baseline, "x"),
  };
  j["target"] = {{"description", "1e6 profiles in < 120 s on 2 cores"},
                 {"met", applies && seconds < kTargetSeconds},
                 {"applies", applies},
                 {"profiles", kTargetProfiles},
                 {"max_seconds", kTargetSeconds}};
  j["environment"] = {
      {"cores", std::thread::hardware_concurrency()},
      {"threads", a.gen.threads > 0 ? a.gen.threads : int(std::thread::hardware_concurrency())},
      {"format", a.gen.format == GeneratorFormat::kParquet ? "parquet" : "duckdb"},
      {"seed", a.gen.seed}};
  j["profiles"] = a.gen.profiles;
  j["rows"] = s.rows;
  j["total_rows"] = total;
  j["truth_rows"] = s.truth_rows;
  j["seconds"] = seconds;
  j["rows_per_second"] = total / seconds;
  j["peak_rss_mb"] = rss;
  j["baseline"] = {{"name",
                    "DuckDB INSERT ... SELECT over range(), same total row count, "
                    "web.events shape, into a fresh file"},
                   {"seconds", baseline},
                   {"rows_per_second", total / baseline},
                   {"ratio_generator_to_baseline", seconds / baseline}};
  return j;
}

int Main(int argc, char** argv) {
  Args a;
  if (!ParseArgs(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: bench_generate [--profiles N] [--format duckdb|parquet] "
                 "[--threads T] [--seed S] [--dir TMP] [--out DIR | --json PATH]\n");
    return 2;
  }
  std::string tmpl = (a.dir.empty() ? std::filesystem::temp_directory_path().string() : a.dir) +
                     "/zcdp-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl.data());
  a.gen.out_dir = dir + "/shop";
  const auto start = std::chrono::steady_clock::now();
  Result<GeneratorStats> stats = Generate(a.gen);
  const double seconds = SecondsSince(start);
  const double rss = PeakRssMb();  // before the baseline runs in this process
  if (!stats.ok()) {
    std::fprintf(stderr, "generate failed: %s\n", stats.status().message().c_str());
    return 1;
  }
  int64_t total = 0;
  for (const auto& [table, n] : stats->rows) total += n;
  Result<double> baseline = Baseline(dir, total);
  std::filesystem::remove_all(dir);
  if (!baseline.ok()) {
    std::fprintf(stderr, "baseline failed: %s\n", baseline.status().message().c_str());
    return 1;
  }
  const nlohmann::json j = Report(a, *stats, seconds, rss, *baseline);
  std::filesystem::create_directories(std::filesystem::path(a.json).parent_path());
  std::ofstream(a.json) << j.dump(2) << "\n";
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

}  // namespace
}  // namespace zcdp

int main(int argc, char** argv) { return zcdp::Main(argc, argv); }
