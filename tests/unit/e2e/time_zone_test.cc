// Time is a parameter: `zcdp run` and `zcdp audience size --live` at a fixed --as-of give
// the same traits, members and membership stamps whatever the machine's time zone, on both
// engines. The zcdp binary runs with TZ (and PGTZ) set to a zone 14 hours ahead of UTC.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunZcdp;
using testing::ShellQuote;

const std::vector<std::string> kAudiences = {"loyal_engaged", "big_spenders", "cart_abandoners",
                                             "lapsed", "vip_outside_france"};
constexpr const char* kShopDate = "2026-06-01";            // the generated shop's "today"
constexpr const char* kAsOf = "2026-06-01T18:30:00Z";      // the runs' instant
constexpr const char* kAheadOfUtc = "Pacific/Kiritimati";  // UTC+14

// Sets an environment variable for the object's life, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// `zcdp <args>` with the machine's time zone set to `zone`.
CommandResult RunInZone(const std::string& zone, const std::string& args) {
  const ScopedEnv tz("TZ", zone), pgtz("PGTZ", zone);
  return RunZcdp(args);
}

// What a run left in the warehouse, and what `audience size --live` says, by profile id
// (the same engine and data give the same ids).
struct Snapshot {
  std::map<std::string, std::vector<std::string>> traits;  // profile_id -> rendered values
  std::set<std::string> members;                           // "audience profile_id since"
  std::map<std::string, std::string> live_sizes;           // audience -> stdout
};

std::vector<std::vector<std::string>> Rows(Warehouse& wh, const std::string& sql) {
  std::vector<std::vector<std::string>> out;
  Result<QueryResult> r = wh.Query(sql);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return out;
  for (const auto& row : r->rows) {
    std::vector<std::string> cells;
    for (const auto& v : row) cells.push_back(v.is_null() ? "NULL" : v.ToString());
    out.push_back(std::move(cells));
  }
  return out;
}

Snapshot Read(const WarehouseOptions& options, const std::string& zone, const std::string& p) {
  Snapshot s;
  for (const std::string& a : kAudiences) {
    CommandResult live =
        RunInZone(zone, std::string("--as-of ") + kAsOf + " audience size --live " + a + p);
    EXPECT_EQ(live.exit_code, 0) << a << ": " << live.err;
    s.live_sizes[a] = live.out;
  }
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse(options);
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  if (!wh.ok()) return s;
  for (auto& row : Rows(**wh, "SELECT * FROM zcdp.profiles")) {
    const std::string id = row.front();
    s.traits[id] = std::move(row);
  }
  for (const auto& row :
       Rows(**wh,
            "SELECT audience, profile_id, CAST(since AS VARCHAR) FROM zcdp.audience_membership")) {
    s.members.insert(row[0] + " " + row[1] + " " + row[2]);
  }
  return s;
}

// The number of profiles whose traits differ, with the first few named.
::testing::AssertionResult SameTraits(const Snapshot& utc, const Snapshot& ahead) {
  if (utc.traits.size() != ahead.traits.size()) {
    return ::testing::AssertionFailure()
           << utc.traits.size() << " vs " << ahead.traits.size() << " profiles";
  }
  int differ = 0;
  std::string sample;
  for (const auto& [id, row] : utc.traits) {
    auto it = ahead.traits.find(id);
    if (it != ahead.traits.end() && it->second == row) continue;
    if (++differ <= 3) sample += " " + id;
  }
  if (differ == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << differ << " profiles' traits differ, e.g." << sample;
}

class TimeZoneE2E : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("zcdp_tz_" + GetParam() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    p_ = " -p " + ShellQuote(dir_.string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Generates the shop; false (after a failure) when it could not.
  bool Generate() {
    const std::string shop = std::string(" --profiles 1500 --seed 19 --as-of ") + kShopDate +
                             " --out " + ShellQuote(dir_.string());
    CommandResult gen;
    if (GetParam() == "duckdb") {
      gen = RunZcdp("generate" + shop);
    } else {
      db_ = std::make_unique<testing::TestDatabase>("time_zone");
      if (!db_->ok()) return false;
      gen = RunZcdp("generate --format postgres --dsn " + ShellQuote(db_->dsn()) + shop);
    }
    EXPECT_EQ(gen.exit_code, 0) << gen.out << gen.err;
    return gen.exit_code == 0;
  }

  WarehouseOptions Options() const {
    if (db_) return {.type = "postgres", .dsn = db_->dsn()};
    return {.path = (dir_ / "warehouse.duckdb").string(), .read_only = true};
  }

  // Runs the project at kAsOf in `zone`, then reads what it left.
  Snapshot RunAndRead(const std::string& zone) {
    CommandResult run = RunInZone(zone, std::string("--as-of ") + kAsOf + " run" + p_);
    EXPECT_EQ(run.exit_code, 0) << zone << ": " << run.out << run.err;
    return Read(Options(), zone, p_);
  }

  fs::path dir_;
  std::string p_;
  std::unique_ptr<testing::TestDatabase> db_;
};

TEST_P(TimeZoneE2E, RunsAndLiveSizesAgreeWithUtcInAZoneAheadOfIt) {
  if (GetParam() == "postgres") ZCDP_REQUIRE_POSTGRES();
  ASSERT_TRUE(Generate());
  const Snapshot ahead = RunAndRead(kAheadOfUtc);
  const Snapshot utc = RunAndRead("UTC");
  ASSERT_GT(utc.traits.size(), 100u);
  EXPECT_TRUE(SameTraits(utc, ahead));
  EXPECT_EQ(utc.members, ahead.members);
  EXPECT_EQ(utc.live_sizes, ahead.live_sizes);
  // The demo's audiences all have members, stamped with the run's instant.
  std::set<std::string> stamps;
  for (const std::string& m : utc.members) {
    stamps.insert(m.substr(m.find(' ', m.find(' ') + 1) + 1));
  }
  EXPECT_EQ(stamps, std::set<std::string>{"2026-06-01 18:30:00"});
  for (const std::string& a : kAudiences) EXPECT_NE(utc.live_sizes.at(a), "0\n") << a;
  // A TIMESTAMPTZ seen as a TIMESTAMP or a DATE is its UTC time: sessions compute in UTC.
  const std::string sql =
      "SELECT CAST(CAST(CAST('2026-06-01 23:30:00+00' AS TIMESTAMPTZ) AS TIMESTAMP) AS VARCHAR) "
      "AS t, CAST(CAST(CAST('2026-06-01 23:30:00+00' AS TIMESTAMPTZ) AS DATE) AS VARCHAR) AS d";
  CommandResult q = RunInZone(kAheadOfUtc, "query -f csv" + p_ + " " + ShellQuote(sql));
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.out, "t,d\n2026-06-01 23:30:00,2026-06-01\n");
}

INSTANTIATE_TEST_SUITE_P(Engines, TimeZoneE2E, ::testing::Values("duckdb", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace zcdp
