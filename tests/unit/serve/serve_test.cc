// `zcdp serve` in process on 127.0.0.1, port 0, over a real DuckDB file: events posted over
// HTTP arrive in the collect table exactly once, bad input gets clear status codes while the
// server stays up, a restart after an unclean stop loses and duplicates nothing, and once
// loaded nothing of an event is left in the state dir.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <zlib.h>

#include "zcdp/common/http.h"
#include "zcdp/model/project.h"
#include "zcdp/serve/server.h"

#include "support/temp_dir.h"

namespace zcdp::serve {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kKey = "test-key-1";
constexpr const char* kOtherKey = "test-key-2";

constexpr const char* kProject = R"(name: serve_test
warehouse: {type: duckdb, path: wh.duckdb}
sources:
  - name: app
    collect: {write_keys: ['${ZCDP_SERVE_TEST_KEY}'], table: events.app_tracks}
    identifiers: {user_id: user_id, anonymous_id: anonymous_id}
  - name: web
    collect: {write_keys: ['${ZCDP_SERVE_TEST_KEY2}'], table: events.web}
    identifiers: {anonymous_id: anonymous_id}
identity:
  id_types:
    user_id: {priority: 1}
    anonymous_id: {priority: 9}
)";

std::string Basic(const std::string& key) {
  static constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string in = key + ":";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kB64[n & 63] : '=';
  }
  return "Basic " + out;
}

std::string Gzip(const std::string& text) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, text.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// A batch of `n` track events with message ids "<prefix>-<i>" and a user id holding `value`.
std::string Batch(const std::string& prefix, int n, const std::string& value = "u") {
  json batch = json::array();
  for (int i = 0; i < n; ++i) {
    batch.push_back({{"type", "track"},
                     {"event", "Clicked"},
                     {"userId", value + std::to_string(i)},
                     {"messageId", prefix + "-" + std::to_string(i)},
                     {"properties", {{"i", i}}}});
  }
  return json{{"batch", batch}, {"sentAt", "2026-12-02T10:00:00Z"}}.dump();
}

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("ZCDP_SERVE_TEST_KEY", kKey, 1);
    setenv("ZCDP_SERVE_TEST_KEY2", kOtherKey, 1);
    std::ofstream(dir_.Sub("zcdp.yaml")) << kProject;
    Diagnostics diags("");
    auto project = LoadProject(dir_.Sub("zcdp.yaml"), diags);
    ASSERT_TRUE(project && !diags.has_errors()) << diags.ToString();
    project_ = *project;
    options_.listen = "127.0.0.1:0";
    options_.load_interval_ms = 50;
  }

  // Starts a server over the project's DuckDB file.
  std::unique_ptr<Server> Start() {
    auto wh_options = WarehouseOptionsFor(project_.warehouse);
    EXPECT_TRUE(wh_options.ok());
    auto wh = OpenWarehouse(*wh_options);
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    auto server = Server::Start(project_, std::move(*wh), options_);
    EXPECT_TRUE(server.ok()) << server.status().message();
    return server.ok() ? std::move(*server) : nullptr;
  }

  HttpResponse Post(const Server& server, const std::string& path, const std::string& body,
                    const std::string& key = kKey, bool gzip = false) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"}};
    if (!key.empty()) headers.emplace_back("Authorization", Basic(key));
    if (gzip) headers.emplace_back("Content-Encoding", "gzip");
    auto r = client_.Post("http://127.0.0.1:" + std::to_string(server.port()) + path, headers,
                          gzip ? Gzip(body) : body, 10000);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : HttpResponse{};
  }

  // The collect table's rows as (message_id, count), read after the server has stopped.
  std::map<std::string, int64_t> MessageCounts(const std::string& table = "events.app_tracks") {
    auto wh_options = WarehouseOptionsFor(project_.warehouse);
    auto wh = OpenWarehouse(*wh_options);
    EXPECT_TRUE(wh.ok()) << wh.status().message();
    std::map<std::string, int64_t> out;
    if (!wh.ok()) return out;
    auto rows = (*wh)->Query("SELECT message_id, count(*) AS n FROM " + table + " GROUP BY 1");
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    if (!rows.ok()) return out;
    for (size_t i = 0; i < rows->rows.size(); ++i) {
      out[rows->At(i, "message_id")->ToString()] = *rows->At(i, "n")->AsInt("n");
    }
    return out;
  }

  // True when some file under the state dir holds `needle`.
  bool StateDirHolds(const std::string& needle) {
    const fs::path state = project_.StateDir();
    if (!fs::exists(state)) return false;
    for (const auto& e : fs::recursive_directory_iterator(state)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str().find(needle) != std::string::npos) return true;
    }
    return false;
  }

  testing::TempDir dir_{"zcdp-serve"};
  Project project_;
  ServeOptions options_;
  HttpClient client_;
};

TEST_F(ServeTest, EventsPostedArriveInTheWarehouseExactlyOnce) {
  auto server = Start();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(Post(*server, "/healthz", "").status, 200);
  HttpResponse r = Post(*server, "/v1/batch", Batch("b", 40));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["accepted"], 40);
  // The same batch again, as an SDK retries after a lost answer: acknowledged, not loaded.
  ASSERT_EQ(Post(*server, "/v1/b", Batch("b", 40)).status, 200);
  ASSERT_EQ(Post(*server, "/v1/batch", Batch("g", 10), kKey, /*gzip=*/true).status, 200);
  for (const char* path : {"/v1/track", "/v1/t"}) {
    // writeKey in the body instead of the header.
    const std::string body = json{
        {"writeKey", kKey},
        {"event", "Opened"},
        {"anonymousId", "a"},
        {"messageId", std::string("single") +
                          path}}.dump();
    ASSERT_EQ(Post(*server, path, body, "").status, 200);
  }
  // The other source's key routes to its own table.
  ASSERT_EQ(
      Post(*server, "/v1/p", R"({"anonymousId": "w", "messageId": "web-1"})", kOtherKey).status,
      200);
  ASSERT_TRUE(server->Stop().ok());
  EXPECT_EQ(server->counts().accepted.load(), 93);
  EXPECT_EQ(server->loaded().loaded, 53);
  EXPECT_EQ(server->loaded().duplicates, 40);
  server.reset();
  std::map<std::string, int64_t> counts = MessageCounts();
  EXPECT_EQ(counts.size(), 52u);
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(counts.count("b-39"), 1u);
  EXPECT_EQ(counts.count("g-9"), 1u);
  EXPECT_EQ(counts.count("single/v1/t"), 1u);
  EXPECT_EQ(MessageCounts("events.web"), (std::map<std::string, int64_t>{{"web-1", 1}}));
}

TEST_F(ServeTest, BadInputGetsClearStatusCodesAndTheServerStaysUp) {
  options_.collector.max_request_bytes = 64 << 10;
  auto server = Start();
  ASSERT_NE(server, nullptr);
  struct Case {
    std::string what, path, body, key;
    bool gzip;
    long status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {"malformed JSON", "/v1/batch", "{\"batch\": [", kKey, false, 400, "invalid_request"},
      {"not an object", "/v1/track", "[1]", kKey, false, 400, "invalid_request"},
      {"batch not a list", "/v1/batch", R"({"batch": {}})", kKey, false, 400, "invalid_request"},
      {"unknown key", "/v1/batch", Batch("x", 1), "nope", false, 401, "unauthorized"},
      {"no key", "/v1/batch", Batch("x", 1), "", false, 401, "unauthorized"},
      {"unknown path", "/v1/nothing", Batch("x", 1), kKey, false, 404, "not_found"},
      {"oversized request", "/v1/batch", Batch("x", 2000), kKey, false, 413, "request_too_large"},
      {"gzip bomb", "/v1/batch", std::string(32 << 20, ' '), kKey, true, 413, "request_too_large"},
      {"corrupt gzip", "/v1/batch", "\x1f\x8b\x08garbage", kKey, false, 400, "invalid_gzip"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    HttpResponse r = Post(*server, c.path, c.body, c.key, c.gzip);
    EXPECT_EQ(r.status, c.status) << r.body;
    json body = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body.value("code", ""), c.code);
    EXPECT_FALSE(body.value("message", "").empty());
  }
  // Wrong types are refused event by event; the valid one is kept.
  HttpResponse mixed = Post(*server, "/v1/batch", R"({"batch": [
      {"type": "track", "event": 5, "userId": "u"},
      {"type": "identify", "userId": "u", "traits": "x"},
      {"type": "track", "event": "ok", "userId": "u", "messageId": "kept"}]})");
  ASSERT_EQ(mixed.status, 200);
  json body = json::parse(mixed.body);
  EXPECT_EQ(body["accepted"], 1);
  ASSERT_EQ(body["rejected"].size(), 2u);
  EXPECT_EQ(body["rejected"][0]["reason"], "event: expected a string, got number");
  EXPECT_EQ(body["rejected"][1]["reason"], "traits: expected an object, got string");
  EXPECT_EQ(Post(*server, "/healthz", "").status, 200);  // still up
  ASSERT_TRUE(server->Stop().ok());
  server.reset();
  EXPECT_EQ(MessageCounts(), (std::map<std::string, int64_t>{{"kept", 1}}));
}

TEST_F(ServeTest, AFullSpoolAnswers503WithRetryAfter) {
  options_.load_interval_ms = 0;  // nothing drains the spool
  options_.load_on_stop = false;
  options_.spool_max_bytes = 4096;
  auto server = Start();
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(Post(*server, "/v1/batch", Batch("a", 10)).status, 200);
  HttpResponse full = Post(*server, "/v1/batch", Batch("b", 40));
  EXPECT_EQ(full.status, 503) << full.body;
  EXPECT_EQ(full.headers["retry-after"], "5");
  EXPECT_EQ(json::parse(full.body).value("code", ""), "spool_full");
}

TEST_F(ServeTest, RestartAfterAnUncleanStopLosesNoAcknowledgedEventAndDuplicatesNone) {
  options_.load_interval_ms = 0;
  options_.load_on_stop = false;
  {
    auto server = Start();  // acknowledges, never loads: the process "dies" with a full spool
    ASSERT_NE(server, nullptr);
    for (int i = 0; i < 5; ++i) {
      ASSERT_EQ(Post(*server, "/v1/batch", Batch("r" + std::to_string(i), 20)).status, 200);
    }
  }
  const fs::path spool = fs::path(project_.StateDir()) / "spool";
  std::vector<fs::path> segments;
  for (const auto& e : fs::directory_iterator(spool)) segments.push_back(e.path());
  ASSERT_EQ(segments.size(), 1u);
  // A record half written when it died: never acknowledged, cut at recovery.
  std::ofstream(segments[0], std::ios::binary | std::ios::app) << std::string("\x40\0\0\0\1", 5);
  // Keep a copy, to replay a crash between the loader's commit and the segments' deletion.
  const fs::path saved = dir_.Sub("saved");
  fs::copy(spool, saved);
  options_.load_interval_ms = 50;
  options_.load_on_stop = true;
  {
    auto server = Start();
    ASSERT_NE(server, nullptr);
    EXPECT_EQ(server->recovery().records, 100);  // one record per event
    EXPECT_EQ(server->recovery().torn_bytes, 5);
    ASSERT_TRUE(server->Stop().ok());
    EXPECT_EQ(server->loaded().loaded, 100);
  }
  EXPECT_TRUE(fs::is_empty(spool));
  fs::remove_all(spool);
  fs::copy(saved, spool);  // the segments are back, as if deleting them never happened
  {
    auto server = Start();
    ASSERT_NE(server, nullptr);
    ASSERT_TRUE(server->Stop().ok());
    EXPECT_EQ(server->loaded().loaded, 0);
  }
  EXPECT_TRUE(fs::is_empty(spool));  // skipped by position, then deleted
  std::map<std::string, int64_t> counts = MessageCounts();
  EXPECT_EQ(counts.size(), 100u);
  for (const auto& [id, n] : counts) EXPECT_EQ(n, 1) << id;
}

TEST_F(ServeTest, OnceLoadedTheStateDirHoldsNothingOfTheEvents) {
  const std::string value = "zz-unique-user-7f3a9";
  options_.load_interval_ms = 0;
  options_.load_on_stop = false;
  {
    auto server = Start();
    ASSERT_NE(server, nullptr);
    ASSERT_EQ(Post(*server, "/v1/batch", Batch("z", 5, value)).status, 200);
  }
  // The spool holds the value until the warehouse has it (the search can find it).
  ASSERT_TRUE(StateDirHolds(value));
  options_.load_interval_ms = 50;
  options_.load_on_stop = true;
  {
    auto server = Start();
    ASSERT_NE(server, nullptr);
    ASSERT_EQ(Post(*server, "/v1/batch", Batch("y", 5, value + "-later")).status, 200);
    ASSERT_TRUE(server->Stop().ok());
  }
  EXPECT_FALSE(StateDirHolds(value));
  EXPECT_EQ(MessageCounts().size(), 10u);
}

TEST(ServeListen, RefusesMalformedAddresses) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseListen("127.0.0.1:0", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  for (const char* bad : {"127.0.0.1", ":80", "127.0.0.1:", "h:99999", "h:8o"}) {
    EXPECT_EQ(ParseListen(bad, &host, &port).code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace zcdp::serve
