// Quality of identity resolution on the demo shop.
//
//   bench_identity_quality --out DIR [--profiles N] [--seed S] [--project-dir D]
//                          [--schema zcdp] [--keep]
//
// Without --project-dir, runs `zcdp demo` (N profiles, default 10,000, seed 42, as of
// 2026-11-01) into a temporary directory; with it, scores the shop already in D. Compares
// the identity graph (D/warehouse.duckdb, read-only) with the generator's ground truth
// (D/truth/persons.csv): pairwise precision, recall and F1 over identifiers in the same
// profile, from contingency counts; profiles that hold more than one true person; and
// whether a shared value (kiosk cookie, placeholders: D/truth/shared.csv) links two persons.
// Writes DIR/identity_quality.json and prints a summary. Exits 0 whether or not the target
// is met; non-zero only on errors.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>
#include <stdlib.h>

#include "identity_quality/quality.h"

namespace zcdp::bench {
namespace {

namespace fs = std::filesystem;

constexpr double kTargetPrecision = 0.999;
constexpr double kTargetRecall = 0.98;
constexpr int64_t kTargetProfiles = 10000;
constexpr const char* kAsOf = "2026-11-01";

struct Args {
  std::string out;
  int64_t profiles = kTargetProfiles;
  uint64_t seed = 42;
  std::string project_dir;  // empty: generate a demo
  std::string schema = "zcdp";
  bool keep = false;  // keep the generated demo directory
};

constexpr const char* kUsage =
    "usage: bench_identity_quality --out DIR [--profiles N] [--seed S] [--project-dir D] "
    "[--schema zcdp] [--keep]\n";

bool ParseArgs(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--keep") {
      a.keep = true;
      continue;
    }
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (k == "--out") {
      a.out = v;
    } else if (k == "--profiles") {
      a.profiles = std::atoll(v.c_str());
    } else if (k == "--seed") {
      a.seed = std::strtoull(v.c_str(), nullptr, 10);
    } else if (k == "--project-dir") {
      a.project_dir = v;
    } else if (k == "--schema") {
      a.schema = v;
    } else {
      return false;
    }
  }
  return !a.out.empty() && a.profiles > 0;
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

Result<std::string> MakeTempDir() {
  std::string tmpl = (fs::temp_directory_path() / "zcdp-identity-quality-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Status::IoError("cannot create a temp directory");
  return tmpl;
}

// Runs `zcdp demo` into `dir`, its output going to `log`.
Status RunDemo(const Args& a, const std::string& dir, const std::string& log) {
  const std::string cmd = ShellQuote(ZCDP_BINARY) + " demo --dir " + ShellQuote(dir) +
                          " --profiles " + std::to_string(a.profiles) + " --seed " +
                          std::to_string(a.seed) + " --as-of " + kAsOf + " > " + ShellQuote(log) +
                          " 2>&1";
  std::printf("running zcdp demo (%lld profiles, seed %llu) into %s\n",
              static_cast<long long>(a.profiles), static_cast<unsigned long long>(a.seed),
              dir.c_str());
  std::fflush(stdout);
  const int rc = std::system(cmd.c_str());
  if (rc != 0) return Status::Internal("zcdp demo failed (see " + log + ")");
  return Status::Ok();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

nlohmann::json Metric(const std::string& name, double value, const std::string& unit = "") {
  return {{"name", name}, {"value", value}, {"unit", unit}};
}

nlohmann::json Metrics(const QualityReport& r, double demo_seconds, double score_seconds) {
  nlohmann::json m = {
      Metric("precision", r.precision),
      Metric("recall", r.recall),
      Metric("f1", r.f1),
      Metric("true pairs", double(r.true_pairs)),
      Metric("predicted pairs", double(r.predicted_pairs)),
      Metric("true positive pairs", double(r.true_positive_pairs)),
      Metric("persons", double(r.persons)),
      Metric("profiles (with truth identifiers)", double(r.profiles)),
      Metric("truth identifiers (raw)", double(r.truth_identifiers)),
      Metric("identifier nodes (normalised)", double(r.identifier_nodes)),
      Metric("unresolved nodes (singletons)", double(r.unresolved_nodes)),
      Metric("over-merged profiles (>1 true person)", double(r.over_merged_profiles)),
      Metric("split persons (>1 profile)", double(r.split_persons)),
      Metric("ambiguous truth nodes", double(r.ambiguous_nodes)),
      Metric("shared values linking persons", r.shared_values_link_persons ? 1.0 : 0.0),
      Metric("scoring time", score_seconds, "s"),
  };
  if (demo_seconds > 0) m.push_back(Metric("demo time (generate + pipeline)", demo_seconds, "s"));
  return m;
}

nlohmann::json SharedJson(const QualityReport& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const SharedValueCheck& c : r.shared) {
    out.push_back({{"id_type", c.id_type},
                   {"value", c.value},
                   {"reason", c.reason},
                   {"person_count", c.person_count},
                   {"status", c.status},
                   {"persons_in_profile", c.persons_in_profile},
                   {"links_persons", c.links_persons}});
  }
  return out;
}

bool TargetMet(const QualityReport& r) {
  return r.precision >= kTargetPrecision && r.recall >= kTargetRecall &&
         !r.shared_values_link_persons;
}

// Profiles, seed and as-of of the scored shop, from its truth/stats.json.
nlohmann::json ShopStats(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "truth" / "stats.json");
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return nlohmann::json::object();
  return {{"profiles", j.value("profiles", int64_t{0})},
          {"seed", j.value("seed", uint64_t{0})},
          {"as_of", j.value("as_of", std::string())}};
}

nlohmann::json Report(const Args& a, const std::string& dir, const QualityReport& r,
                      double demo_seconds, double score_seconds) {
  const nlohmann::json shop = ShopStats(dir);
  const Result<std::string> duckdb = DuckDbVersion();
  nlohmann::json j;
  j["benchmark"] = "identity_quality";
  j["environment"] = {{"cores", std::thread::hardware_concurrency()},
                      {"duckdb", duckdb.ok() ? *duckdb : "unknown"},
                      {"zcdp", ZCDP_VERSION},
                      {"shop", shop},
                      {"project_dir", a.project_dir.empty() ? "(temporary demo)" : dir},
                      {"generated", a.project_dir.empty()},
                      {"output_schema", a.schema}};
  j["metrics"] = Metrics(r, demo_seconds, score_seconds);
  nlohmann::json lost = nlohmann::json::object();
  for (const auto& [types, n] : r.lost_pairs_by_type) lost[types] = n;
  j["lost_pairs_by_type"] = lost;
  nlohmann::json unresolved = nlohmann::json::object();
  for (const auto& [reason, n] : r.unresolved_by_reason) unresolved[reason] = n;
  j["unresolved_by_reason"] = unresolved;
  j["shared_values"] = SharedJson(r);
  j["target"] = {{"description", "precision >= 0.999 and recall >= 0.98 on the 10k demo"},
                 {"met", TargetMet(r)},
                 {"applies", shop.value("profiles", int64_t{0}) >= kTargetProfiles},
                 {"precision", kTargetPrecision},
                 {"recall", kTargetRecall}};
  return j;
}

void PrintSummary(const QualityReport& r, const std::string& json_path) {
  std::printf("identity quality: precision %.5f  recall %.5f  F1 %.5f\n", r.precision, r.recall,
              r.f1);
  std::printf("  pairs: true %lld, predicted %lld, true positive %lld\n",
              static_cast<long long>(r.true_pairs), static_cast<long long>(r.predicted_pairs),
              static_cast<long long>(r.true_positive_pairs));
  std::printf(
      "  %lld persons in %lld profiles; %lld over-merged profiles, %lld split persons, "
      "%lld unresolved nodes of %lld\n",
      static_cast<long long>(r.persons), static_cast<long long>(r.profiles),
      static_cast<long long>(r.over_merged_profiles), static_cast<long long>(r.split_persons),
      static_cast<long long>(r.unresolved_nodes), static_cast<long long>(r.identifier_nodes));
  for (const auto& [types, n] : r.lost_pairs_by_type) {
    std::printf("  lost pairs %-26s %lld\n", types.c_str(), static_cast<long long>(n));
  }
  for (const SharedValueCheck& c : r.shared) {
    std::printf("  shared %s '%s' (%lld persons): %s%s\n", c.id_type.c_str(), c.value.c_str(),
                static_cast<long long>(c.person_count), c.status.c_str(),
                c.links_persons ? ", LINKS DIFFERENT PERSONS" : "");
  }
  std::printf("  target (precision >= %.3f, recall >= %.2f, no shared value linking): %s\n",
              kTargetPrecision, kTargetRecall, TargetMet(r) ? "met" : "NOT met");
  std::printf("wrote %s\n", json_path.c_str());
}

Status WriteJson(const std::string& path, const nlohmann::json& j) {
  std::ofstream f(path, std::ios::trunc);
  f << j.dump(2) << "\n";
  f.close();
  return f ? Status::Ok() : Status::IoError("cannot write '" + path + "'");
}

Status Run(const Args& a) {
  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) return Status::IoError("cannot create '" + a.out + "': " + ec.message());
  std::string dir = a.project_dir;
  double demo_seconds = 0;
  if (dir.empty()) {
    ZCDP_ASSIGN_OR_RETURN(dir, MakeTempDir());
    const auto start = std::chrono::steady_clock::now();
    ZCDP_RETURN_IF_ERROR(RunDemo(a, dir, dir + "/demo.log"));
    demo_seconds = SecondsSince(start);
  }
  const auto start = std::chrono::steady_clock::now();
  Result<QualityReport> report = ScoreIdentity(dir, a.schema);
  const double score_seconds = SecondsSince(start);
  if (report.ok()) {
    const std::string path = (fs::path(a.out) / "identity_quality.json").string();
    ZCDP_RETURN_IF_ERROR(WriteJson(path, Report(a, dir, *report, demo_seconds, score_seconds)));
    PrintSummary(*report, path);
  }
  if (a.project_dir.empty()) {
    if (a.keep) {
      std::printf("kept the demo in %s\n", dir.c_str());
    } else {
      fs::remove_all(dir, ec);
    }
  }
  return report.ok() ? Status::Ok() : report.status();
}

}  // namespace
}  // namespace zcdp::bench

int main(int argc, char** argv) {
  zcdp::bench::Args args;
  if (!zcdp::bench::ParseArgs(argc, argv, args)) {
    std::fputs(zcdp::bench::kUsage, stderr);
    return 2;
  }
  const zcdp::Status s = zcdp::bench::Run(args);
  if (!s.ok()) {
    std::fprintf(stderr, "bench_identity_quality: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}
