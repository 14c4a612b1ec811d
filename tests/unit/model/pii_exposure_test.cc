// validate refuses a destination that would send PII in clear text: every field of a webhook
// or a file that carries PII (an id type mapped from a PII column, or a trait that reads one,
// `sql:` traits included) must be hashed (`{from: X, hash: sha256}`) or listed in `clear_pii`.
// A share hashes PII fields itself; an audience upload sends only its own hashes.
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

using testing::Dump;

// From line 22 on, the destination each test writes (its `fields` on line 26 for a webhook,
// 27 for a file).
constexpr const char* kProject = R"yaml(name: t
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - name: users
    table: app.users
    primary_key: id
    identifiers: {email: mail, user_id: id}
    attributes: [mail, amount, purpose, granted]
    pii: [mail]
identity: {id_types: {email: {priority: 1}, user_id: {priority: 2}}}
traits:
  - {name: last_mail, source: users, pick: most_recent, column: mail}
  - {name: contact, source: users, sql: "max(mail)"}
  - {name: contact_upper, sql: "upper(contact)"}
  - {name: spend, source: users, aggregate: sum(amount)}
audiences:
  - {name: everyone, where: "spend >= 0"}
consent: {source: users, purpose_column: purpose, granted_column: granted}
destinations:
  # the destination of the test
  - name: out
%s
)yaml";

// The kind-specific keys of each destination type that sends its fields as they are.
const char* const kAsIs[] = {"    type: webhook\n    url: http://127.0.0.1:9/hook",
                             "    type: file\n    path: drops\n    format: csv"};

Diagnostics Load(const std::string& destination) {
  std::string text = kProject;
  text.replace(text.find("%s"), 2, destination);
  Diagnostics diags("t.yaml");
  ParseProject(text, "t.yaml", "/t", diags);
  return diags;
}

std::string Destination(const std::string& type_keys, const std::string& fields,
                        const std::string& extra = "") {
  return type_keys + "\n    audience: everyone\n    purpose: marketing\n    fields: " + fields +
         (extra.empty() ? "" : "\n    " + extra);
}

// One error per field, at the field's `from`, naming the destination, the field and where
// its PII comes from; for the id type, an aggregate-free pick, an sql trait over the PII
// column and an sql trait over that trait alike.
TEST(PiiExposure, WebhooksAndFilesRefuseEveryPiiFieldInClear) {
  struct Field {
    const char* mapping;
    const char* name;
    const char* origin;
  };
  const Field fields[] = {
      {"{e: email}", "'e' would send 'email'", "column 'mail' of source 'users'"},
      {"{m: last_mail}", "'m' would send 'last_mail'", "column 'mail' of source 'users'"},
      {"{c: contact}", "'c' would send 'contact'", "column 'mail' of source 'users'"},
      {"{u: contact_upper}", "'u' would send 'contact_upper'",
       "trait 'contact', from column 'mail' of source 'users'"},
  };
  for (const char* kind : kAsIs) {
    for (const Field& f : fields) {
      const Diagnostics diags = Load(Destination(kind, f.mapping));
      ASSERT_EQ(diags.all().size(), 1u) << kind << " " << f.mapping << "\n" << Dump(diags);
      const Diagnostic& d = diags.all()[0];
      EXPECT_EQ(d.pos.line, kind == kAsIs[0] ? 26 : 27) << Dump(diags);
      for (const char* part : {"destination 'out'", f.name, f.origin, "in clear text"}) {
        EXPECT_NE(d.message.find(part), std::string::npos) << part << "\n" << d.message;
      }
    }
  }
}

TEST(PiiExposure, AHashedMappingOrAFieldListedInClearPiiIsAccepted) {
  for (const char* kind : kAsIs) {
    for (const std::string& dest : {
             Destination(kind, "{e: {from: email, hash: sha256}, s: spend}"),
             Destination(kind, "{c: {from: contact, hash: sha256}}"),
             Destination(kind, "[email, contact, spend]", "clear_pii: [email, contact]"),
         }) {
      const Diagnostics diags = Load(dest);
      EXPECT_FALSE(diags.has_errors()) << dest << "\n" << Dump(diags);
    }
  }
}

TEST(PiiExposure, FieldsThatCarryNoPiiNeedNeitherHashNorClearPii) {
  for (const char* kind : kAsIs) {
    const Diagnostics diags = Load(Destination(kind, "{s: spend, id: user_id}"));
    EXPECT_FALSE(diags.has_errors()) << Dump(diags);
  }
}

TEST(PiiExposure, ASharesPiiFieldsAreHashedByTheShareSoItIsAccepted) {
  const Diagnostics diags = Load(
      Destination("    type: warehouse_share\n    schema: partner", "[email, contact, spend]"));
  EXPECT_FALSE(diags.has_errors()) << Dump(diags);
}

TEST(PiiExposure, MisusedOptionsArePositionedErrors) {
  struct Case {
    std::string destination;
    const char* expected;
  };
  const Case cases[] = {
      {Destination(kAsIs[0], "[spend]", "clear_pii: [spnd]"),
       "clear_pii: 'spnd' is not one of its fields (did you mean 'spend'?)"},
      {Destination(kAsIs[0], "{e: {from: email, hash: sha256}}", "clear_pii: [e]"),
       "'e' is hashed and also listed in clear_pii"},
      {Destination("    type: audience_upload\n    url: http://127.0.0.1:9/up",
                   "{email: {from: email, hash: sha256}}"),
       "an audience upload hashes every identifier itself"},
      {Destination("    type: audience_upload\n    url: http://127.0.0.1:9/up", "[email]",
                   "clear_pii: [email]"),
       "'clear_pii' is not a key of a audience_upload destination"},
      {Destination(kAsIs[0], "{e: {from: email, hash: md5}}"), "hash"},
      {Destination(kAsIs[0], "{e: {from: email}}"), "missing required key 'hash'"},
  };
  for (const Case& c : cases) {
    const Diagnostics diags = Load(c.destination);
    ASSERT_TRUE(diags.has_errors()) << c.destination;
    EXPECT_NE(diags.ToString().find(c.expected), std::string::npos) << c.expected << "\n"
                                                                    << Dump(diags);
    EXPECT_NE(diags.all()[0].pos.line, 0) << Dump(diags);
  }
}

}  // namespace
}  // namespace zcdp
