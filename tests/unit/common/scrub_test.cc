// ScrubValues: what zcdp keeps of an engine's message in its own state. Table-driven over
// the shapes DuckDB and PostgreSQL quote values in; engine_message_scrub_test.cc checks the
// real engines' messages.
#include "zcdp/common/scrub.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace zcdp {
namespace {

struct Case {
  const char* message;
  const char* scrubbed;
};

TEST(ScrubValues, ReplacesQuotedAndNumericValuesAndKeepsIdentifiers) {
  const std::set<std::string> names = {"broken", "first_name", "crm", "customers", "gold"};
  const Case cases[] = {
      {"Conversion Error: Could not convert string 'jane@x.com' to INT32 when casting from "
       "source column first_name",
       "Conversion Error: Could not convert string '<value>' to INT32 when casting from source "
       "column first_name"},
      {"trait 'broken' failed: Could not convert string 'it''s' to INT32",
       "trait 'broken' failed: Could not convert string '<value>' to INT32"},
      {"string 'O'Brien' to INT32", "string '<value>' to INT32"},
      {"Type INT64 with value 3000000000 can't be cast because the value is out of range",
       "Type INT64 with value <value> can't be cast because the value is out of range"},
      {"Overflow in multiplication of INT64 (98765432123 * -2)!",
       "Overflow in multiplication of INT64 (<value>)!"},
      {"invalid input syntax for type integer: \"jane\" (SQLSTATE 22P02)",
       "invalid input syntax for type integer: \"<value>\" (SQLSTATE 22P02)"},
      {"duplicate key value violates unique constraint \"k_pkey\"\nDETAIL: Key (v)=(jane@x.com) "
       "already exists.",
       "duplicate key value violates unique constraint \"k_pkey\"\nDETAIL: Key (v)=(<value>) "
       "already exists."},
      {"new row violates check constraint \"c\"\nDETAIL: Failing row contains (jane, (1, 2)).",
       "new row violates check constraint \"c\"\nDETAIL: Failing row contains (<value>)."},
      {"Duplicate key \"v: jane\" violates primary key constraint",
       "Duplicate key \"<value>\" violates primary key constraint"},
      {"column \"nope\" of relation \"crm.customers\" does not exist",
       "column \"nope\" of relation \"crm.customers\" does not exist"},
      {"syntax error at or near \"'jane'\"", "syntax error at or near \"'<value>'\""},
      {"Did you mean \"crm.customers\"? LINE 1: SELECT (1 + 2) AS x WHERE tier = 'gold'",
       "Did you mean \"crm.customers\"? LINE 1: SELECT (<value>) AS x WHERE tier = 'gold'"},
      {"invalid date field format: \"jane, expected format is (YYYY-MM-DD)",
       "invalid date field format: \"<value>"},
      {"the users' table and count(*) stay", "the users' table and count(*) stay"},
      {"Could not parse string \"x\"\njane@x.com\n^\nError: Expected a number",
       "Could not parse string \"<value>\"\n<value>\n^\nError: Expected a number"},
      {"syntax error\nLINE 1: SELECT cont(*)\n               ^",
       "syntax error\nLINE 1: SELECT cont(*)\n               ^"},
  };
  for (const Case& c : cases) EXPECT_EQ(ScrubValues(c.message, names), c.scrubbed) << c.message;
}

TEST(ScrubValues, KeepsOnlyWhatIsAProjectName) {
  EXPECT_EQ(ScrubValues("audience 'gold': failed"), "audience '<value>': failed");
  EXPECT_EQ(ScrubValues("audience 'gold': failed", {"gold"}), "audience 'gold': failed");
  EXPECT_EQ(ScrubValues("'crm.customers' or 'crm.jane'", {"crm", "customers"}),
            "'crm.customers' or '<value>'");
  EXPECT_EQ(ScrubValues("'' and \"\""), "'<value>' and \"<value>\"");
}

}  // namespace
}  // namespace zcdp
