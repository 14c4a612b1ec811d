#pragma once

// Helpers for benchmarks that drive the zcdp binary as a user would (see bench/README.md).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zcdp::bench {

// `s` in single quotes for /bin/sh.
std::string ShellQuote(const std::string& s);

// Runs a shell command with stdout discarded; returns its exit code and, when `err` is given,
// its stderr. A failure is printed with the command and its stderr.
int Run(const std::string& cmd, std::string* err = nullptr);

// Runs a shell command and returns its stdout in `out`; returns the exit code.
int RunCapture(const std::string& cmd, std::string& out);

// The first line of a file, "" when it cannot be read.
std::string ReadTrimmed(const std::string& path);

// /proc/loadavg: a shared machine's load, recorded before and after a run.
std::string LoadAverage();

nlohmann::json Metric(const std::string& name, double value, const std::string& unit);

// 100000 -> "1e5"; other sizes as digits.
std::string SizeLabel(long long n);

// The `keep` slowest statements of a `zcdp run -v` log ("zcdp: debug: STEP: 1.234s: SQL...").
nlohmann::json SlowestStatements(const std::string& log, size_t keep);

// `dsn` (a keyword/value libpq string) with its dbname replaced by `db`.
std::string WithDbName(const std::string& dsn, const std::string& db);

// The median of `v` (the mean of the middle two for an even count); 0 for none.
double Median(std::vector<double> v);

// A throwaway PostgreSQL 15 cluster on loopback, started with scripts/pg-test-cluster in
// `dir` and stopped by Stop() or the destructor.
class PgCluster {
 public:
  explicit PgCluster(std::string dir) : dir_(std::move(dir)) {}
  ~PgCluster() { Stop(); }
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  // Starts the cluster; returns its admin DSN, or "" when it could not start.
  std::string Start();
  void Stop();

 private:
  std::string dir_;
  bool started_ = false;
};

}  // namespace zcdp::bench
