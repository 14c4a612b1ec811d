// End-to-end tests of the synthetic shop: tables, statistics, determinism and ground truth,
// checked with SQL against the generated DuckDB file and Parquet lake.
#include "zcdp/generate/generator.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/warehouse/warehouse.h"

#include "unit/generate/generate_test_util.h"

namespace zcdp::testing {
namespace {

constexpr int64_t kProfiles = 2000;
const char* const kTables[] = {"crm.customers", "crm.consents", "web.events", "shop.orders",
                               "marketing.email_events"};
const std::map<std::string, std::string> kLakeNames = {{"crm.customers", "customers"},
                                                       {"crm.consents", "consents"},
                                                       {"web.events", "web_events"},
                                                       {"shop.orders", "orders"},
                                                       {"marketing.email_events", "email_events"}};

GeneratorOptions Options(const std::string& dir, uint64_t seed = 42) {
  GeneratorOptions o;
  o.profiles = kProfiles;
  o.seed = seed;
  o.out_dir = dir;
  o.as_of_days = 20454;  // 2026-01-01
  o.threads = 2;
  return o;
}

// SQL over one generated shop, whichever its format: tables are named as in DuckDB.
class Shop {
 public:
  explicit Shop(const GeneratorOptions& o)
      : dir_(o.out_dir), parquet_(o.format == GeneratorFormat::kParquet) {
    db_ = OpenDb(parquet_ ? ":memory:" : dir_ + "/warehouse.duckdb", !parquet_);
    if (db_ == nullptr) return;
    Status s = db_->Execute(
        "CREATE TEMP VIEW truth AS SELECT * FROM read_csv('" + dir_ +
        "/truth/persons.csv', header = true, delim = ',', quote = '\"', escape = '\"', "
        "columns = {'id_type': 'VARCHAR', 'id_value': 'VARCHAR', 'person_id': 'BIGINT'});"
        "CREATE TEMP VIEW shared AS SELECT * FROM read_csv('" +
        dir_ +
        "/truth/shared.csv', header = true, columns = {'id_type': 'VARCHAR', 'id_value': "
        "'VARCHAR', 'reason': 'VARCHAR', 'person_count': 'BIGINT'})");
    EXPECT_TRUE(s.ok()) << s.message();
  }
  // The relation of a table: the table itself or its Parquet files.
  std::string Rel(const std::string& table) const {
    if (!parquet_) return table;
    return "read_parquet('" + dir_ + "/lake/" + kLakeNames.at(table) + "/*.parquet')";
  }
  // Replaces every {schema.table} in `sql` by its relation.
  std::string Sql(std::string sql) const {
    for (const char* t : kTables) {
      const std::string key = std::string("{") + t + "}";
      for (size_t at; (at = sql.find(key)) != std::string::npos;)
        sql.replace(at, key.size(), Rel(t));
    }
    return sql;
  }
  std::string Scalar(const std::string& sql) { return testing::Scalar(*db_, Sql(sql)); }
  int64_t Count(const std::string& sql) { return testing::Count(*db_, Sql(sql)); }
  // An order-independent checksum of a table's content.
  std::string Checksum(const std::string& table) {
    return Scalar("SELECT count(*) || ':' || sum(hash(t::VARCHAR)) FROM {" + table + "} t");
  }
  bool ok() const { return db_ != nullptr; }

 private:
  std::string dir_;
  bool parquet_;
  std::unique_ptr<Warehouse> db_;
};

// Every non-placeholder identifier in the data, with its id type.
constexpr const char* kIdentifiersSql = R"(
  SELECT 'email' AS t, email AS v FROM {crm.customers}
  UNION SELECT 'email', customer_email FROM {shop.orders}
  UNION SELECT 'email', email FROM {marketing.email_events}
  UNION SELECT 'email', email FROM {crm.consents}
  UNION SELECT 'phone', phone FROM {crm.customers}
  UNION SELECT 'crm_id', customer_id FROM {crm.customers}
  UNION SELECT 'crm_id', customer_id FROM {crm.consents}
  UNION SELECT 'user_id', user_id FROM {crm.customers}
  UNION SELECT 'user_id', user_id FROM {web.events}
  UNION SELECT 'anonymous_id', anonymous_id FROM {web.events})";
constexpr const char* kPlaceholders =
    "('unknown', 'test@test.com', '0000000000', 'kiosk-store-001')";

class GeneratorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    duck_ = Options(dir_->Sub("duck"));
    duck_stats_ = GenerateOrFail(duck_);
    parquet_ = Options(dir_->Sub("parquet"));
    parquet_.format = GeneratorFormat::kParquet;
    parquet_stats_ = GenerateOrFail(parquet_);
  }
  static void TearDownTestSuite() { delete dir_; }

  static TempDir* dir_;
  static GeneratorOptions duck_, parquet_;
  static GeneratorStats duck_stats_, parquet_stats_;
};
TempDir* GeneratorTest::dir_ = nullptr;
GeneratorOptions GeneratorTest::duck_, GeneratorTest::parquet_;
GeneratorStats GeneratorTest::duck_stats_, GeneratorTest::parquet_stats_;

void ExpectCountsMatchStats(const GeneratorOptions& o, const GeneratorStats& stats) {
  const nlohmann::json json = nlohmann::json::parse(ReadFile(o.out_dir + "/truth/stats.json"));
  EXPECT_EQ(json["profiles"], kProfiles);
  EXPECT_EQ(json["seed"], o.seed);
  EXPECT_EQ(json["as_of"], "2026-01-01");
  EXPECT_EQ(json["truth_rows"], stats.truth_rows);
  Shop shop(o);
  ASSERT_TRUE(shop.ok());
  int64_t total = 0;
  for (const char* table : kTables) {
    const int64_t rows = json["rows"][table];
    EXPECT_GT(rows, 0) << table;
    EXPECT_EQ(rows, stats.rows.at(table)) << table;
    EXPECT_EQ(shop.Count(std::string("SELECT * FROM {") + table + "}"), rows) << table;
    total += rows;
  }
  EXPECT_EQ(json["total_rows"], total);
  EXPECT_EQ(shop.Count("SELECT * FROM truth"), stats.truth_rows);
}

TEST_F(GeneratorTest, DuckDbTablesHoldTheRowsStatsJsonReports) {
  EXPECT_EQ(duck_stats_.persons, kProfiles);
  ExpectCountsMatchStats(duck_, duck_stats_);
}

TEST_F(GeneratorTest, ParquetLakeHoldsTheRowsStatsJsonReports) {
  ExpectCountsMatchStats(parquet_, parquet_stats_);
  EXPECT_TRUE(std::filesystem::exists(parquet_.out_dir + "/lake/orders/part-00000.parquet"));
  EXPECT_FALSE(std::filesystem::exists(parquet_.out_dir + "/warehouse.duckdb"));
}

TEST_F(GeneratorTest, ParquetAndDuckDbHoldTheSameContent) {
  Shop duck(duck_), lake(parquet_);
  for (const char* table : kTables) EXPECT_EQ(duck.Checksum(table), lake.Checksum(table)) << table;
  EXPECT_EQ(ReadFile(duck_.out_dir + "/truth/persons.csv"),
            ReadFile(parquet_.out_dir + "/truth/persons.csv"));
}

TEST_F(GeneratorTest, SameSeedGivesSameContentForAnyThreadCountAndBatchSize) {
  GeneratorOptions one = Options(dir_->Sub("one"));
  one.threads = 1;
  one.batch_persons = 300;
  GeneratorOptions many = Options(dir_->Sub("many"));
  many.threads = 3;
  many.batch_persons = 170;
  GenerateOrFail(one);
  GenerateOrFail(many);
  Shop a(duck_), b(one), c(many);
  for (const char* table : kTables) {
    const std::string sum = a.Checksum(table);
    EXPECT_EQ(sum, b.Checksum(table)) << table;
    EXPECT_EQ(sum, c.Checksum(table)) << table;
  }
  const std::string truth = ReadFile(duck_.out_dir + "/truth/persons.csv");
  EXPECT_EQ(truth, ReadFile(one.out_dir + "/truth/persons.csv"));
  EXPECT_EQ(truth, ReadFile(many.out_dir + "/truth/persons.csv"));
  EXPECT_EQ(ReadFile(duck_.out_dir + "/truth/shared.csv"),
            ReadFile(many.out_dir + "/truth/shared.csv"));
}

TEST_F(GeneratorTest, DifferentSeedGivesDifferentContent) {
  GeneratorOptions other = Options(dir_->Sub("seed43"), 43);
  GenerateOrFail(other);
  Shop a(duck_), b(other);
  for (const char* table : kTables) EXPECT_NE(a.Checksum(table), b.Checksum(table)) << table;
  EXPECT_NE(ReadFile(duck_.out_dir + "/truth/persons.csv"),
            ReadFile(other.out_dir + "/truth/persons.csv"));
}

TEST_F(GeneratorTest, TruthCoversEveryIdentifierAndNothingElse) {
  Shop shop(duck_);
  const std::string ids = std::string("SELECT * FROM (") + kIdentifiersSql +
                          ") WHERE v IS NOT NULL AND v NOT IN " + kPlaceholders;
  EXPECT_EQ(shop.Count(ids + " EXCEPT SELECT id_type, id_value FROM truth"), 0);
  EXPECT_EQ(shop.Count("SELECT id_type, id_value FROM truth EXCEPT " + ids), 0);
  // Raw values: case and whitespace variants are separate rows of the same person.
  EXPECT_EQ(shop.Count("SELECT id_type, id_value FROM truth GROUP BY ALL HAVING count(*) > 1"), 0);
  EXPECT_GT(shop.Count("SELECT * FROM truth WHERE id_value LIKE ' %' OR id_value LIKE '% '"), 0);
  EXPECT_EQ(shop.Count("SELECT * FROM truth WHERE person_id < 0 OR person_id >= 2000"), 0);
  // Every person shows at least one identifier somewhere.
  EXPECT_EQ(shop.Count("SELECT DISTINCT person_id FROM truth"), kProfiles);
  for (const char* type : {"email", "phone", "crm_id", "user_id", "anonymous_id"}) {
    EXPECT_GT(shop.Count(std::string("SELECT * FROM truth WHERE id_type = '") + type + "'"), 0)
        << type;
  }
}

TEST_F(GeneratorTest, TruthOfParquetLakeCoversEveryIdentifier) {
  Shop shop(parquet_);
  const std::string ids = std::string("SELECT * FROM (") + kIdentifiersSql +
                          ") WHERE v IS NOT NULL AND v NOT IN " + kPlaceholders;
  EXPECT_EQ(shop.Count(ids + " EXCEPT SELECT id_type, id_value FROM truth"), 0);
}

TEST_F(GeneratorTest, KioskCookieIsSharedByManyPersonsAndNeverInTruth) {
  Shop shop(duck_);
  const int64_t kiosk_users = std::stoll(shop.Scalar(
      "SELECT count(DISTINCT user_id) FROM {web.events} WHERE anonymous_id = 'kiosk-store-001'"));
  EXPECT_GE(kiosk_users, 3);
  EXPECT_EQ(shop.Scalar("SELECT person_count FROM shared WHERE id_value = 'kiosk-store-001' "
                        "AND id_type = 'anonymous_id' AND reason = 'shared_device'"),
            std::to_string(kiosk_users));
  EXPECT_EQ(shop.Count(std::string("SELECT * FROM truth WHERE id_value IN ") + kPlaceholders), 0);
  for (const char* v : {"unknown", "test@test.com", "0000000000"}) {
    EXPECT_GT(std::stoll(shop.Scalar(std::string("SELECT coalesce(max(person_count), 0) FROM "
                                                 "shared WHERE id_value = '") +
                                     v + "'")),
              0)
        << v;
  }
}

TEST_F(GeneratorTest, SomePersonsHaveTwoCrmRecordsWithDifferentRawEmails) {
  Shop shop(duck_);
  const int64_t doubles = shop.Count(R"(
      SELECT t.person_id FROM truth t JOIN {crm.customers} c ON t.id_value = c.customer_id
      WHERE t.id_type = 'crm_id' GROUP BY t.person_id
      HAVING count(DISTINCT c.email) = 2
         AND count(DISTINCT lower(trim(c.email))) = 1)");
  EXPECT_GE(doubles, 40);  // about 8% of 80% of 2000
  EXPECT_EQ(std::to_string(shop.Count(R"(SELECT person_id FROM truth WHERE id_type = 'crm_id'
                                         GROUP BY 1 HAVING count(*) = 2)")),
            std::to_string(duck_stats_.traps.at("duplicate_crm_persons")));
}

TEST_F(GeneratorTest, DataLooksLikeAShop) {
  Shop shop(duck_);
  const double per_person = 1.0 / kProfiles;
  const double web = shop.Count("SELECT * FROM {web.events}") * per_person;
  EXPECT_GT(web, 12);
  EXPECT_LT(web, 25);
  const double orders = shop.Count("SELECT * FROM {shop.orders}") * per_person;
  EXPECT_GT(orders, 1.5);
  EXPECT_LT(orders, 3);
  // Phones in both formats, about a quarter of CRM records without one.
  EXPECT_GT(shop.Count("SELECT * FROM {crm.customers} WHERE phone LIKE '+33 6 %'"), 0);
  EXPECT_GT(shop.Count("SELECT * FROM {crm.customers} WHERE phone LIKE '07 %'"), 0);
  const double no_phone = std::stod(
      shop.Scalar("SELECT avg(CASE WHEN phone IS NULL THEN 1 ELSE 0 END) FROM {crm.customers}"));
  EXPECT_NEAR(no_phone, 0.25, 0.06);
  // Guest checkouts: order emails of persons without a CRM record (about 18% of the 20% of
  // anonymous visitors).
  EXPECT_GT(shop.Count(R"(SELECT t.person_id FROM truth t JOIN {shop.orders} o
                          ON t.id_value = o.customer_email AND t.id_type = 'email'
                          EXCEPT SELECT person_id FROM truth WHERE id_type = 'crm_id')"),
            30);
  // Cookies start anonymous and carry the user_id after a login.
  EXPECT_GT(shop.Count(R"(SELECT anonymous_id FROM {web.events} GROUP BY 1
                          HAVING count(user_id) > 0 AND count(user_id) < count(*))"),
            100);
  EXPECT_EQ(shop.Count("SELECT DISTINCT action FROM {marketing.email_events}"), 4);
  EXPECT_EQ(shop.Count("SELECT DISTINCT event FROM {web.events}"), 6);
  EXPECT_EQ(shop.Count("SELECT * FROM {crm.consents}"),
            3 * shop.Count("SELECT * FROM {crm.customers}"));
}

// The data holds the evidence a real shop gives deterministic stitching: the CRM record of an
// account carries its user_id, account holders log in on nearly every browser they use,
// anonymous visitors mostly keep one browser, and a duplicate CRM record shares its email or
// phone with the first. (bench/identity_quality scores the identity graph built from it.)
TEST_F(GeneratorTest, MostIdentifiersOfAPersonAreLinkedByTheData) {
  Shop shop(duck_);
  EXPECT_EQ(shop.Count(R"(SELECT DISTINCT user_id FROM {web.events} WHERE user_id IS NOT NULL
                          EXCEPT SELECT user_id FROM {crm.customers})"),
            0);
  const double logged_in = std::stod(shop.Scalar(R"(
      SELECT avg(CASE WHEN logged THEN 1 ELSE 0 END) FROM (
        SELECT e.anonymous_id, bool_or(e.user_id IS NOT NULL) AS logged
        FROM {web.events} e JOIN truth t
          ON t.id_type = 'anonymous_id' AND t.id_value = e.anonymous_id
        WHERE t.person_id IN (SELECT person_id FROM truth WHERE id_type = 'user_id')
        GROUP BY e.anonymous_id))"));
  EXPECT_GT(logged_in, 0.98);
  EXPECT_LT(logged_in, 1.0);  // a few browsers never see a login
  const double one_cookie = std::stod(shop.Scalar(R"(
      SELECT avg(CASE WHEN cookies = 1 THEN 1 ELSE 0 END) FROM (
        SELECT person_id, count(*) FILTER (WHERE id_type = 'anonymous_id') AS cookies
        FROM truth GROUP BY person_id
        HAVING bool_and(id_type NOT IN ('crm_id', 'user_id'))))"));
  EXPECT_GT(one_cookie, 0.9);
  const double duplicates_linked = std::stod(shop.Scalar(R"(
      SELECT avg(CASE WHEN shares THEN 1 ELSE 0 END) FROM (
        SELECT lower(trim(a.email)) = lower(trim(b.email))
            OR right(regexp_replace(a.phone, '[^0-9]', '', 'g'), 9)
               = right(regexp_replace(b.phone, '[^0-9]', '', 'g'), 9) AS shares
        FROM truth ta JOIN truth tb ON ta.person_id = tb.person_id
          AND ta.id_type = 'crm_id' AND tb.id_type = 'crm_id' AND ta.id_value < tb.id_value
        JOIN {crm.customers} a ON a.customer_id = ta.id_value
        JOIN {crm.customers} b ON b.customer_id = tb.id_value))"));
  EXPECT_GT(duplicates_linked, 0.97);
}

TEST_F(GeneratorTest, EveryTimestampFallsInTheTwoYearsBeforeAsOf) {
  Shop shop(duck_);
  const std::string in_window =
      " NOT BETWEEN TIMESTAMP '2024-01-02 00:00:00' AND TIMESTAMP '2025-12-31 23:59:59.999999'";
  EXPECT_EQ(shop.Count("SELECT * FROM {web.events} WHERE event_time" + in_window), 0);
  EXPECT_EQ(shop.Count("SELECT * FROM {shop.orders} WHERE ordered_at" + in_window), 0);
  EXPECT_EQ(shop.Count("SELECT * FROM {marketing.email_events} WHERE event_time" + in_window), 0);
  EXPECT_EQ(shop.Count("SELECT * FROM {crm.customers} WHERE created_at" + in_window +
                       " OR updated_at" + in_window + " OR updated_at < created_at"),
            0);
  EXPECT_EQ(shop.Count("SELECT * FROM {crm.consents} WHERE updated_at" + in_window), 0);
}

}  // namespace
}  // namespace zcdp::testing
