// End-to-end on both engines: the same generated shop, run by the real `zcdp` binary on a
// DuckDB file and on a PostgreSQL database, gives the same answers. Profile ids are
// engine-specific hashes, so profiles are compared by the identifiers they hold.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "zcdp/warehouse/warehouse.h"

#include "support/command.h"
#include "support/postgres.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ShellQuote;
using testing::TestDatabase;

const std::vector<std::string> kAudiences = {"loyal_engaged", "big_spenders", "cart_abandoners",
                                             "lapsed", "vip_outside_france"};

// A fresh directory, removed with the object.
class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("zcdp-agree") {}
};

// Today (UTC) as YYYY-MM-DD: the shop's events then reach up to the windows of the demo's
// traits and audiences, which count back from the run's instant (now, without --as-of).
std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d", &tm);
  return buf;
}

std::unique_ptr<Warehouse> Open(const WarehouseOptions& options) {
  Result<std::unique_ptr<Warehouse>> wh = OpenWarehouse(options);
  EXPECT_TRUE(wh.ok()) << wh.status().message();
  return wh.ok() ? std::move(wh).value() : nullptr;
}

// The project file without its `warehouse:` line.
std::string WithoutWarehouse(const std::string& yaml) {
  std::istringstream in(yaml);
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind("warehouse:", 0) != 0) out += line + "\n";
  }
  return out;
}

// What one engine answered, with each profile named by its canonical key: the smallest
// "id_type:id_value" it holds.
struct Answers {
  std::map<std::string, std::vector<std::string>> groups;      // key -> its sorted identifiers
  std::map<std::string, std::map<std::string, Value>> traits;  // key -> trait -> value
  std::map<std::string, std::set<std::string>> members;        // audience -> keys
};

Answers ReadAnswers(Warehouse& wh) {
  Answers a;
  Result<QueryResult> graph =
      wh.Query("SELECT profile_id, id_type, id_value FROM zcdp.identity_graph");
  EXPECT_TRUE(graph.ok()) << graph.status().message();
  if (!graph.ok()) return a;
  std::map<std::string, std::vector<std::string>> by_profile;
  for (const auto& row : graph->rows) {
    by_profile[row[0].ToString()].push_back(row[1].ToString() + ":" + row[2].ToString());
  }
  std::map<std::string, std::string> key_of;  // profile_id -> canonical key
  for (auto& [profile, ids] : by_profile) {
    std::sort(ids.begin(), ids.end());
    key_of[profile] = ids.front();
    a.groups[ids.front()] = ids;
  }
  Result<QueryResult> profiles = wh.Query("SELECT * FROM zcdp.profiles");
  EXPECT_TRUE(profiles.ok()) << profiles.status().message();
  if (profiles.ok()) {
    for (const auto& row : profiles->rows) {
      auto& traits = a.traits[key_of[row[0].ToString()]];
      for (size_t c = 1; c < row.size(); ++c) traits[profiles->columns[c].name] = row[c];
    }
  }
  Result<QueryResult> members =
      wh.Query("SELECT audience, profile_id FROM zcdp.audience_membership");
  EXPECT_TRUE(members.ok()) << members.status().message();
  if (members.ok()) {
    for (const auto& row : members->rows) {
      a.members[row[0].ToString()].insert(key_of[row[1].ToString()]);
    }
  }
  return a;
}

bool SameValue(const Value& a, const Value& b) {
  const auto number = [](const Value& v) -> std::optional<double> {
    if (const auto* d = std::get_if<double>(&v.storage())) return *d;
    if (const auto* i = std::get_if<int64_t>(&v.storage())) return static_cast<double>(*i);
    return std::nullopt;
  };
  const auto x = number(a), y = number(b);
  if (x && y) return std::fabs(*x - *y) <= 1e-9 * std::max({1.0, std::fabs(*x), std::fabs(*y)});
  return a == b;
}

// "key: what differs" for the first few differences, and how many there are in all.
class Differences {
 public:
  void Add(const std::string& what) {
    if (++count_ <= 10) text_ += "  " + what + "\n";
  }
  int count() const { return count_; }
  const std::string& text() const { return text_; }

 private:
  int count_ = 0;
  std::string text_;
};

std::string Joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

void ExpectSamePartition(const Answers& duck, const Answers& pg) {
  Differences diff;
  for (const auto& [key, ids] : duck.groups) {
    auto it = pg.groups.find(key);
    if (it == pg.groups.end()) {
      diff.Add("only on DuckDB: {" + Joined(ids) + "}");
    } else if (it->second != ids) {
      diff.Add("DuckDB {" + Joined(ids) + "} vs PostgreSQL {" + Joined(it->second) + "}");
    }
  }
  for (const auto& [key, ids] : pg.groups) {
    if (duck.groups.count(key) == 0) diff.Add("only on PostgreSQL: {" + Joined(ids) + "}");
  }
  EXPECT_EQ(diff.count(), 0) << "identity partitions differ:\n" << diff.text();
}

void ExpectSameTraits(const Answers& duck, const Answers& pg) {
  EXPECT_EQ(duck.traits.size(), pg.traits.size());
  Differences diff;
  int compared = 0;
  for (const auto& [key, traits] : duck.traits) {
    auto it = pg.traits.find(key);
    if (it == pg.traits.end()) {
      diff.Add(key + ": no profile on PostgreSQL");
      continue;
    }
    ++compared;
    for (const auto& [name, value] : traits) {
      auto other = it->second.find(name);
      if (other == it->second.end()) {
        diff.Add(key + ": no trait " + name + " on PostgreSQL");
      } else if (!SameValue(value, other->second)) {
        diff.Add(key + ": " + name + " = " + value.ToString() + " on DuckDB, " +
                 other->second.ToString() + " on PostgreSQL");
      }
    }
  }
  EXPECT_GT(compared, 100);
  EXPECT_EQ(diff.count(), 0) << "traits differ:\n" << diff.text();
}

void ExpectSameMembers(const Answers& duck, const Answers& pg) {
  for (const std::string& audience : kAudiences) {
    SCOPED_TRACE(audience);
    const auto find = [&](const Answers& a) {
      auto it = a.members.find(audience);
      return it == a.members.end() ? std::set<std::string>() : it->second;
    };
    const std::set<std::string> d = find(duck), p = find(pg);
    EXPECT_GT(d.size(), 0u);
    EXPECT_GT(p.size(), 0u);
    Differences diff;
    for (const auto& key : d) {
      if (p.count(key) == 0) diff.Add(key + " only on DuckDB");
    }
    for (const auto& key : p) {
      if (d.count(key) == 0) diff.Add(key + " only on PostgreSQL");
    }
    EXPECT_EQ(diff.count(), 0) << "members differ:\n" << diff.text();
  }
}

TEST(EnginesAgree, SameIdentityTraitsAndAudiencesOnDuckDbAndPostgres) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("engines_agree");
  ASSERT_TRUE(db.ok());
  TempDir dir;
  // A shop of a fixed date, and both runs at one instant of it: every profile and audience
  // is compared, windows included, however long the runs take.
  const std::string shop = " --profiles 2000 --seed 23 --as-of 2026-06-01";
  auto duck_gen = RunZcdp("generate --out " + ShellQuote(dir.Sub("duck")) + shop);
  ASSERT_EQ(duck_gen.exit_code, 0) << duck_gen.out << duck_gen.err;
  // The database is named through the environment, as a password would be.
  ::setenv("ZCDP_AGREE_TEST_DB", db.name().c_str(), 1);
  const std::string dsn =
      testing::pg_detail::WithDsnValue(db.dsn(), "dbname", "${ZCDP_AGREE_TEST_DB}");
  auto pg_gen = RunZcdp("generate --format postgres --dsn " + ShellQuote(dsn) + " --out " +
                        ShellQuote(dir.Sub("pg")) + shop);
  ASSERT_EQ(pg_gen.exit_code, 0) << pg_gen.out << pg_gen.err;

  // The two projects differ only in their warehouse block.
  const std::string duck_yaml = ReadFile(dir.Sub("duck/zcdp.yaml"));
  const std::string pg_yaml = ReadFile(dir.Sub("pg/zcdp.yaml"));
  EXPECT_NE(pg_yaml.find("dsn: \"" + dsn + "\""), std::string::npos) << pg_yaml;
  EXPECT_EQ(WithoutWarehouse(duck_yaml), WithoutWarehouse(pg_yaml));
  EXPECT_NE(WithoutWarehouse(duck_yaml).find("audiences:"), std::string::npos);

  for (const char* engine : {"duck", "pg"}) {
    auto run = RunZcdp("--as-of 2026-06-01T20:00:00Z run -p " + ShellQuote(dir.Sub(engine)));
    ASSERT_EQ(run.exit_code, 0) << engine << ": " << run.out << run.err;
  }
  auto duck = Open({.path = dir.Sub("duck/warehouse.duckdb"), .read_only = true});
  auto pg = Open({.type = "postgres", .dsn = db.dsn()});
  ASSERT_NE(duck, nullptr);
  ASSERT_NE(pg, nullptr);
  const Answers d = ReadAnswers(*duck);
  const Answers p = ReadAnswers(*pg);

  ASSERT_GT(d.groups.size(), 100u);
  ASSERT_GT(d.traits.size(), 100u);
  std::string sizes;
  for (const auto& [audience, keys] : d.members) {
    sizes += " " + audience + "=" + std::to_string(keys.size());
  }
  std::printf("compared %zu profiles;%s\n", d.groups.size(), sizes.c_str());
  ExpectSamePartition(d, p);
  ExpectSameTraits(d, p);
  ExpectSameMembers(d, p);
}

// The demo flow on PostgreSQL, through the CLI only.
TEST(PostgresDemo, GenerateRunAndInspectThroughTheCli) {
  ZCDP_REQUIRE_POSTGRES();
  TestDatabase db("postgres_demo");
  ASSERT_TRUE(db.ok());
  TempDir dir;
  const std::string out = dir.Sub("shop"), p = " -p " + ShellQuote(out);
  const std::string dsn = ShellQuote(db.dsn());
  auto gen = RunZcdp("generate --format postgres --dsn " + dsn + " --out " + ShellQuote(out) +
                     " --profiles 1500 --seed 5 --as-of " + TodayUtc());
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  EXPECT_NE(gen.out.find("generated 1500 persons"), std::string::npos) << gen.out;
  EXPECT_NE(gen.out.find("zcdp.yaml"), std::string::npos) << gen.out;
  EXPECT_NE(ReadFile(out + "/zcdp.yaml").find("type: postgres"), std::string::npos);

  auto validate = RunZcdp("validate" + p);
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  auto run = RunZcdp("run" + p);
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("run 1 succeeded"), std::string::npos) << run.out;

  auto list = RunZcdp("audience list -f json" + p);
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const auto audiences = nlohmann::json::parse(list.out);
  ASSERT_EQ(audiences.size(), kAudiences.size()) << list.out;
  std::map<std::string, int64_t> sizes;
  for (const auto& a : audiences) sizes[a.at("audience")] = a.at("size").get<int64_t>();
  EXPECT_GT(sizes["big_spenders"], 0) << list.out;
  EXPECT_GT(sizes["lapsed"], 0) << list.out;

  // One customer's profile, found by the email of a CRM record.
  auto pg = Open({.type = "postgres", .dsn = db.dsn()});
  ASSERT_NE(pg, nullptr);
  Result<std::string> email = QueryText(
      *pg, "SELECT id_value FROM zcdp.identity_graph WHERE id_type = 'email' ORDER BY 1 LIMIT 1");
  ASSERT_TRUE(email.ok() && !email->empty());
  auto profile = RunZcdp("profile" + p + " " + ShellQuote("email:" + *email));
  ASSERT_EQ(profile.exit_code, 0) << profile.err;
  const auto doc = nlohmann::json::parse(profile.out);
  EXPECT_FALSE(doc.at("profile_id").get<std::string>().empty());
  EXPECT_NE(profile.out.find(*email), std::string::npos);
  EXPECT_TRUE(doc.at("traits").contains("lifetime_value")) << profile.out;

  // A second load into the same database is refused and changes nothing.
  auto again = RunZcdp("generate --format postgres --dsn " + dsn + " --out " +
                       ShellQuote(dir.Sub("again")) + " --profiles 10");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already holds"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--replace"), std::string::npos) << again.err;
  auto rerun = RunZcdp("run" + p);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("run 2 succeeded"), std::string::npos) << rerun.out;
}

TEST(PostgresDemo, ConnectionStringMistakesAreClearAndKeepThePasswordSecret) {
  TempDir dir;
  auto no_dsn = RunZcdp("generate --format postgres --out " + ShellQuote(dir.Sub("a")));
  EXPECT_EQ(no_dsn.exit_code, 2);  // a usage error
  EXPECT_NE(no_dsn.err.find("needs --dsn"), std::string::npos) << no_dsn.err;
  auto dsn_for_duckdb = RunZcdp("generate --dsn 'host=x' --out " + ShellQuote(dir.Sub("b")));
  EXPECT_EQ(dsn_for_duckdb.exit_code, 2);
  EXPECT_NE(dsn_for_duckdb.err.find("only used with --format postgres"), std::string::npos);
  const std::string secret = "s3cr3t-Pa55word";
  auto literal = RunZcdp("generate --format postgres --dsn " +
                         ShellQuote("host=127.0.0.1 port=1 password=" + secret) + " --out " +
                         ShellQuote(dir.Sub("c")));
  EXPECT_EQ(literal.exit_code, 2);
  EXPECT_NE(literal.err.find("password=${ENV_VAR}"), std::string::npos) << literal.err;
  EXPECT_EQ((literal.out + literal.err).find(secret), std::string::npos);
  ::unsetenv("ZCDP_AGREE_UNSET_VAR");
  auto unset = RunZcdp("generate --format postgres --dsn " +
                       ShellQuote("host=127.0.0.1 password=${ZCDP_AGREE_UNSET_VAR}") + " --out " +
                       ShellQuote(dir.Sub("d")));
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_NE(unset.err.find("ZCDP_AGREE_UNSET_VAR"), std::string::npos) << unset.err;
  // Nothing was generated by any of them.
  for (const char* sub : {"a", "b", "c", "d"}) {
    EXPECT_FALSE(fs::exists(dir.Sub(std::string(sub) + "/truth/stats.json"))) << sub;
  }
  // A server that cannot be reached: the message names it, never the password.
  ::setenv("ZCDP_AGREE_PW", secret.c_str(), 1);
  auto unreachable = RunZcdp("generate --format postgres --dsn " +
                             ShellQuote("host=127.0.0.1 port=1 user=u password=${ZCDP_AGREE_PW}") +
                             " --out " + ShellQuote(dir.Sub("e")));
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.err;
  EXPECT_NE(unreachable.err.find("127.0.0.1"), std::string::npos) << unreachable.err;
  EXPECT_EQ((unreachable.out + unreachable.err).find(secret), std::string::npos);
}

}  // namespace
}  // namespace zcdp
