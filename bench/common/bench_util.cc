#include "bench_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <unistd.h>

namespace zcdp::bench {

namespace fs = std::filesystem;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunTo(const std::string& cmd, const std::string& stdout_target, std::string* err) {
  const fs::path err_file =
      fs::temp_directory_path() / ("zcdp_bench_err_" + std::to_string(::getpid()));
  const int rc =
      std::system((cmd + " > " + stdout_target + " 2> " + ShellQuote(err_file.string())).c_str());
  const std::string text = Slurp(err_file);
  if (err != nullptr) *err = text;
  fs::remove(err_file);
  if (rc != 0) std::fprintf(stderr, "command failed (%d): %s\n%s\n", rc, cmd.c_str(), text.c_str());
  return rc;
}

}  // namespace

int Run(const std::string& cmd, std::string* err) { return RunTo(cmd, "/dev/null", err); }

int RunCapture(const std::string& cmd, std::string& out) {
  const fs::path out_file =
      fs::temp_directory_path() / ("zcdp_bench_out_" + std::to_string(::getpid()));
  const int rc = RunTo(cmd, ShellQuote(out_file.string()), nullptr);
  out = Slurp(out_file);
  fs::remove(out_file);
  return rc;
}

std::string ReadTrimmed(const std::string& path) {
  std::ifstream in(path);
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

std::string WithDbName(const std::string& dsn, const std::string& db) {
  std::stringstream in(dsn);
  std::string out;
  for (std::string w; in >> w;) {
    if (w.rfind("dbname=", 0) != 0) out += w + " ";
  }
  return out + "dbname=" + db;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string PgCluster::Start() {
  const std::string script = std::string(ZCDP_SOURCE_DIR) + "/scripts/pg-test-cluster";
  if (Run(script + " start " + ShellQuote(dir_)) != 0) return "";
  started_ = true;
  return ReadTrimmed((fs::path(dir_) / "dsn").string());
}

void PgCluster::Stop() {
  if (!started_) return;
  started_ = false;
  const std::string script = std::string(ZCDP_SOURCE_DIR) + "/scripts/pg-test-cluster";
  (void)Run(script + " stop " + ShellQuote(dir_));
}

}  // namespace zcdp::bench
