// The person model: deterministic randomness, unique identifiers, their formats, and the
// ground-truth helpers.
#include "generate/person.h"

#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "generate/rng.h"
#include "generate/truth.h"

namespace zcdp::synth {
namespace {

TEST(RngTest, SameSeedSameStreamAndHelpersStayInRange) {
  Rng a(7), b(7), c(8);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
  // Pinned values: the data must not change with the compiler or standard library.
  EXPECT_EQ(Rng(0).Next(), 0xe220a8397b1dcdafULL);  // the published splitmix64 sequence
  EXPECT_EQ(Rng(42).Next(), 0xbdd732262feb6e95ULL);
  EXPECT_EQ(Mix64(1), 0x5692161d100b05e5ULL);
  Rng r(1);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(r.Uniform(7), 7u);
    const int64_t v = r.Range(-3, 3);
    EXPECT_TRUE(v >= -3 && v <= 3);
    hits += r.Bernoulli(0.25);
  }
  EXPECT_NEAR(hits / 10000.0, 0.25, 0.02);
  EXPECT_FALSE(r.Bernoulli(0));
  EXPECT_TRUE(r.Bernoulli(1));
}

TEST(PersonTest, SamePersonForTheSameSeedAndId) {
  const World w = MakeWorld(42, 20454);
  const Person a = MakePerson(w, 123), b = MakePerson(w, 123);
  EXPECT_EQ(a.first_name, b.first_name);
  EXPECT_EQ(a.email_number, b.email_number);
  EXPECT_EQ(a.since, b.since);
  EXPECT_GE(a.since, w.window_start);
  EXPECT_LT(a.since, w.as_of);
}

TEST(PersonTest, IdentifiersAreUniqueAcrossPersons) {
  const World w = MakeWorld(9, 20454);
  std::set<std::string> seen;
  std::string s;
  const int n = 20000;
  for (int id = 0; id < n; ++id) {
    const Person p = MakePerson(w, id);
    CanonicalEmail(p, s);
    seen.insert("e" + s);
    Phone(p, false, s);
    seen.insert("p" + s);
    CustomerId(w, p, 0, s);
    seen.insert("c" + s);
    CustomerId(w, p, 1, s);
    seen.insert("c" + s);
    UserId(w, p, s);
    seen.insert("u" + s);
    Cookie(w, p, 3, s);
    seen.insert("k" + s);
    EventId(w, id, 5, s);
    seen.insert("v" + s);
  }
  EXPECT_EQ(seen.size(), 7u * n);
}

TEST(PersonTest, FormatsOfIdentifiers) {
  const World w = MakeWorld(1, 20454);
  Person p = MakePerson(w, 5);
  p.first_name = "Jane";
  p.last_name = "Doe";
  p.domain = "example.com";
  p.email_number = 42;
  p.phone_prefix = '6';
  p.phone_number = 12345678;
  std::string s;
  StyledEmail(p, EmailStyle::kCanonical, s);
  EXPECT_EQ(s, "jane.doe42@example.com");
  StyledEmail(p, EmailStyle::kPadded, s);
  EXPECT_EQ(s, " Jane.Doe42@Example.COM ");
  StyledEmail(p, EmailStyle::kUpper, s);
  EXPECT_EQ(s, "JANE.DOE42@EXAMPLE.COM");
  Phone(p, false, s);
  EXPECT_EQ(s, "06 12 34 56 78");
  Phone(p, true, s);
  EXPECT_EQ(s, "+33 6 12 34 56 78");
  CustomerId(w, p, 0, s);
  EXPECT_TRUE(std::regex_match(s, std::regex("C[0-9]{9}"))) << s;
  UserId(w, p, s);
  EXPECT_TRUE(std::regex_match(s, std::regex("usr_[0-9]{9}"))) << s;
  Cookie(w, p, 0, s);
  EXPECT_TRUE(std::regex_match(s, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                                             "[0-9a-f]{12}")))
      << s;
}

// Phones are French mobile numbers in service (libphonenumber rejects 0639, 0690-0694 or
// 0701-0729, for example): identity resolution skips invalid ones, and real customers give
// numbers that work. About 70% start with 06.
TEST(PersonTest, PhonesAreValidMobileNumbers) {
  const World w = MakeWorld(42, 20454);
  const std::regex valid("0(6 [0-24-7][0-9]|7 [3-5][0-9])( [0-9]{2}){3}");
  std::string s;
  int mobile06 = 0;
  const int n = 20000;
  for (int id = 0; id < n; ++id) {
    const Person p = MakePerson(w, id);
    Phone(p, false, s);
    ASSERT_TRUE(std::regex_match(s, valid)) << s;
    mobile06 += s[1] == '6';
  }
  EXPECT_NEAR(mobile06 / double(n), 0.7, 0.02);
}

// Every account holder has a CRM record; persons with neither are anonymous visitors, who
// always browse so that they show an identifier.
TEST(PersonTest, AccountsAreCustomersAndAnonymousVisitorsBrowse) {
  const World w = MakeWorld(42, 20454);
  int accounts = 0, crm = 0;
  const int n = 20000;
  for (int id = 0; id < n; ++id) {
    const Person p = MakePerson(w, id);
    EXPECT_TRUE(!p.has_account || p.is_crm) << id;
    EXPECT_TRUE(p.is_crm || p.web_active) << id;
    accounts += p.has_account;
    crm += p.is_crm;
  }
  EXPECT_NEAR(accounts / double(n), 0.6, 0.02);
  EXPECT_NEAR(crm / double(n), 0.8, 0.02);
}

TEST(TruthTest, PersonIdsListsEachValueOnce) {
  PersonIds ids;
  for (int round = 0; round < 2; ++round) {  // reuse after Clear()
    ids.Clear();
    ids.Add(IdType::kEmail, "b@x");
    ids.Add(IdType::kEmail, "a@x");
    ids.Add(IdType::kPhone, "a@x");
    ids.Add(IdType::kEmail, "b@x");
    std::vector<std::string> got;
    ids.ForEachDistinct([&](IdType t, std::string_view v) {
      got.push_back(std::string(IdTypeName(t)) + ":" + std::string(v));
    });
    EXPECT_EQ(got, (std::vector<std::string>{"email:a@x", "email:b@x", "phone:a@x"}));
  }
}

TEST(TruthTest, CsvFieldsAreQuotedWhenNeeded) {
  std::string out;
  AppendCsvField("plain@example.com", out);
  out += '|';
  AppendCsvField(" Jane@Example.COM ", out);
  out += '|';
  AppendCsvField("a,\"b\"", out);
  EXPECT_EQ(out, "plain@example.com|\" Jane@Example.COM \"|\"a,\"\"b\"\"\"");
}

}  // namespace
}  // namespace zcdp::synth
