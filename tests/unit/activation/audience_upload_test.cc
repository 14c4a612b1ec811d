#include "activation/destinations/audience_upload/audience_upload.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "zcdp/common/digest.h"

#include "support/http_receiver.h"

namespace zcdp::activation {
namespace {

using nlohmann::json;
using testing::HttpReceiver;
using testing::RejectMode;

struct NormalizeCase {
  const char* rule;
  const char* raw;
  const char* normalized;
};

TEST(NormalizeIdentifier, FollowsThePlatformRules) {
  const NormalizeCase cases[] = {
      // Google Data Manager API examples.
      {"email", "cloudy.sanfrancisco+shopping@gmail.com", "cloudysanfrancisco@gmail.com"},
      {"email", "user.name+NYC@Example.com", "user.name+nyc@example.com"},
      {"email", "  Jane.Doe@GoogleMail.com\t", "janedoe@googlemail.com"},
      {"email", "j o e@example.org", "joe@example.org"},
      {"phone", "+1 (800) 555-0100", "+18005550100"},
      {"phone", "+33 6 12 34 56 78", "+33612345678"},
      {"phone", "+33612345678", "+33612345678"},
      {"phone", "0033 6 12 34 56 78", "+33612345678"},
      {"phone", "33.6.12.34.56.78", "+33612345678"},
      {"first_name", "  Jean-Luc ", "jeanluc"},
      {"first_name", "ÉLODIE", "élodie"},
      {"last_name", "O'Brien Jr.", "obrienjr"},
      {"last_name", "Müller", "müller"},
      {"last_name", "ДОСТОЕВСКИЙ", "достоевский"},
  };
  for (const auto& c : cases) {
    auto normalized = NormalizeIdentifier(c.rule, c.raw);
    ASSERT_TRUE(normalized.ok()) << c.rule << " '" << c.raw
                                 << "': " << normalized.status().message();
    EXPECT_EQ(*normalized, c.normalized) << c.rule << " '" << c.raw << "'";
  }
}

TEST(NormalizeIdentifier, RejectsWhatCannotMatch) {
  const NormalizeCase cases[] = {
      {"email", "", nullptr},
      {"email", "   ", nullptr},
      {"email", "no-at-sign.example.com", nullptr},
      {"email", "a@b@example.com", nullptr},
      {"email", "someone@localhost", nullptr},
      {"email", "+tag@gmail.com", nullptr},
      {"phone", "", nullptr},
      {"phone", "06 12 34 56 78", nullptr},  // national: no country code
      {"phone", "+1 800 FLOWERS", nullptr},
      {"phone", "+33 6 12", nullptr},
      {"phone", "0000000000", nullptr},
      {"first_name", "  ", nullptr},
      {"first_name", "!!! 42", nullptr},
      {"last_name", "\xff\xfe", nullptr},
      {"zip", "75001", nullptr},
  };
  for (const auto& c : cases) {
    auto normalized = NormalizeIdentifier(c.rule, c.raw);
    ASSERT_FALSE(normalized.ok()) << c.rule << " '" << c.raw << "' gave " << *normalized;
    EXPECT_EQ(normalized.status().code(), StatusCode::kInvalidArgument);
    if (std::string(c.raw).size() > 3) {
      EXPECT_EQ(normalized.status().message().find(c.raw), std::string::npos)
          << "the message repeats the value";
    }
  }
}

TEST(HashedIdentifier, MatchesPublishedHashes) {
  // TikTok's customer-file guide hashes the normalised "janedoe@gmail.com" to this.
  EXPECT_EQ(*HashedIdentifier("email", " JaneDoe@Gmail.com "),
            "d6117306485ed0e50afab3ac871e98f81699151f30281527d63ff5f233656c69");
  EXPECT_EQ(*HashedIdentifier("phone", "+1 657 777 0000"), Sha256Hex("+16577770000"));
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_FALSE(HashedIdentifier("email", "nope").ok());
}

AudienceUploadOptions Options(const std::string& url, std::vector<int64_t>* sleeps) {
  AudienceUploadOptions options;
  options.http.url = url;
  options.http.secret = "k3y";
  options.http.timeout_ms = 2000;
  options.http.sleeper = [sleeps](int64_t ms) { sleeps->push_back(ms); };
  options.http.jitter_seed = 3;
  options.audience = "high_value";
  return options;
}

std::unique_ptr<AudienceUploadDestination> Make(AudienceUploadOptions options) {
  auto made = AudienceUploadDestination::Create(std::move(options));
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(made).value() : nullptr;
}

// r0 has every identifier, r1 a bad email but a good phone, r2 nothing usable, r3 leaves.
Batch MixedBatch() {
  Batch batch;
  batch.destination = "ads";
  batch.purpose = "advertising";
  batch.run_id = 5;
  batch.idempotency_key = "5/ads/0";
  batch.fields = {"email", "phone", "first_name"};
  batch.records.push_back({"r0",
                           Action::kUpsert,
                           {Value::Text("Alice.Smith@Example.com"),
                            Value::Text("+33 6 12 34 56 78"), Value::Text("Alice")}});
  batch.records.push_back(
      {"r1",
       Action::kUpsert,
       {Value::Text("bob-at-example"), Value::Int(33698765432), Value::Null()}});
  batch.records.push_back(
      {"r2", Action::kUpsert, {Value::Null(), Value::Text("12"), Value::Text("?!")}});
  batch.records.push_back({"r3", Action::kRemove, {}});
  return batch;
}

TEST(AudienceUpload, SendsOnlyHashesOfNormalisedIdentifiers) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(MixedBatch());
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 1u);
  EXPECT_EQ(delivery->failed[0].index, 2u);
  EXPECT_EQ(delivery->failed[0].reason, "no identifier left after normalisation");

  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string& raw = requests[0].body;
  for (const char* plain : {"lice", "Smith", "example", "612345678", "698765432", "bob"}) {
    EXPECT_EQ(raw.find(plain), std::string::npos) << "plain value '" << plain << "' was sent";
  }
  EXPECT_EQ(requests[0].header("x-zcdp-signature"), "sha256=" + HmacSha256Hex("k3y", raw));
  EXPECT_EQ(requests[0].header("idempotency-key"), "5/ads/0");

  const json body = json::parse(raw);
  EXPECT_EQ(body["audience"], "high_value");
  EXPECT_EQ(body["purpose"], "advertising");
  EXPECT_EQ(body["idempotency_key"], "5/ads/0");
  EXPECT_EQ(body["schema"], json({"email", "phone", "first_name"}));
  ASSERT_EQ(body["members"].size(), 3u);  // r2 was not sent
  const json& r0 = body["members"][0];
  EXPECT_EQ(r0["key"], "r0");
  EXPECT_EQ(r0["action"], "add");
  EXPECT_EQ(r0["identifiers"], json({{"email", Sha256Hex("alice.smith@example.com")},
                                     {"phone", Sha256Hex("+33612345678")},
                                     {"first_name", Sha256Hex("alice")}}));
  const json& r1 = body["members"][1];
  EXPECT_EQ(r1["key"], "r1");
  EXPECT_EQ(r1["identifiers"], json({{"phone", Sha256Hex("+33698765432")}}));
  const json& r3 = body["members"][2];
  EXPECT_EQ(r3["key"], "r3");
  EXPECT_EQ(r3["action"], "remove");
  EXPECT_EQ(r3["identifiers"], json::object());

  EXPECT_EQ(delivery->bytes, static_cast<int64_t>(raw.size()));
  EXPECT_EQ(delivery->payload_sha256, Sha256Hex(raw));
}

TEST(AudienceUpload, SplitsAroundAPoisonedMemberLikeTheWebhook) {
  HttpReceiver receiver;
  receiver.RejectKeys({"r1"}, RejectMode::kStatus400);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(MixedBatch());
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 2u);
  EXPECT_EQ(delivery->failed[0].index, 1u);
  EXPECT_EQ(delivery->failed[0].reason, "HTTP 400: poisoned record in request");
  EXPECT_EQ(delivery->failed[1].index, 2u);
  EXPECT_EQ(receiver.AcceptedRecordKeys(), (std::multiset<std::string>{"r0", "r3"}));
  std::vector<std::string> keys;
  for (const auto& r : receiver.requests()) keys.push_back(r.header("idempotency-key"));
  // Sent: r0, r1, r3 (indices 0, 1, 3): halves [0] and [1, 3], then [1] and [3].
  EXPECT_EQ(keys, (std::vector<std::string>{"5/ads/0", "5/ads/0/0-0", "5/ads/0/1-3",
                                            "5/ads/0/1-3/1-1", "5/ads/0/1-3/3-3"}));
}

TEST(AudienceUpload, RetriesLikeTheWebhook) {
  HttpReceiver receiver;
  testing::ScriptedResponse busy;
  busy.status = 429;
  busy.headers = {{"Retry-After", "2"}};
  receiver.Enqueue(busy);
  std::vector<int64_t> sleeps;
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(MixedBatch());
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  EXPECT_EQ(sleeps, std::vector<int64_t>{2000});
  EXPECT_EQ(delivery->attempts, 2);
}

TEST(AudienceUpload, NothingToSendMakesNoRequest) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  Batch batch = MixedBatch();
  batch.records = {batch.records[2]};
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(batch);
  ASSERT_TRUE(delivery.ok()) << delivery.status().message();
  ASSERT_EQ(delivery->failed.size(), 1u);
  EXPECT_EQ(delivery->attempts, 0);
  EXPECT_EQ(delivery->bytes, 0);
  EXPECT_EQ(receiver.request_count(), 0u);
}

TEST(AudienceUpload, AFieldWithoutARuleIsAnErrorAndSendsNothing) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  Batch batch = MixedBatch();
  batch.fields[2] = "loyalty_tier";
  auto delivery = Make(Options(receiver.url(), &sleeps))->Deliver(batch);
  ASSERT_FALSE(delivery.ok());
  EXPECT_EQ(delivery.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(delivery.status().message().find("'loyalty_tier'"), std::string::npos);
  EXPECT_EQ(receiver.request_count(), 0u);
}

TEST(AudienceUpload, AudienceDefaultsToTheDestinationName) {
  HttpReceiver receiver;
  std::vector<int64_t> sleeps;
  AudienceUploadOptions options = Options(receiver.url(), &sleeps);
  options.audience.clear();
  ASSERT_TRUE(Make(options)->Deliver(MixedBatch()).ok());
  ASSERT_EQ(receiver.request_count(), 1u);
  EXPECT_EQ(json::parse(receiver.requests()[0].body)["audience"], "ads");
}

}  // namespace
}  // namespace zcdp::activation
