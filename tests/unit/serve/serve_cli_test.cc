// The built `zcdp serve`: it prints the port it chose for --listen 127.0.0.1:0, answers on
// it, and on SIGTERM stops cleanly (exit 0) after loading what it acknowledged.
#include <cstdio>
#include <fstream>
#include <regex>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zcdp/common/http.h"

#include "support/command.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

TEST(ServeCli, PrintsItsPortServesAndStopsCleanlyOnSigterm) {
  testing::TempDir dir("zcdp-serve-cli");
  std::ofstream(dir.Sub("zcdp.yaml")) << R"(name: cli
warehouse: {type: duckdb, path: wh.duckdb}
sources:
  - name: app
    collect: {write_keys: ['${ZCDP_CLI_TEST_KEY}'], table: events.app}
    identifiers: {user_id: user_id}
identity:
  id_types: {user_id: {priority: 1}}
)";
  setenv("ZCDP_CLI_TEST_KEY", "cli-key", 1);
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const std::string project = dir.Sub("zcdp.yaml");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(ZCDP_BINARY, "zcdp", "serve", "-p", project.c_str(), "--listen", "127.0.0.1:0",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {0};
  ASSERT_NE(std::fgets(line, sizeof(line), stream), nullptr);
  std::smatch m;
  const std::string first = line;
  ASSERT_TRUE(std::regex_search(first, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)")))
      << first;
  const std::string base = "http://127.0.0.1:" + m[1].str();
  HttpClient client;
  auto r = client.Post(base + "/v1/track", {{"Authorization", "Basic Y2xpLWtleTo="}},
                       R"({"userId": "u1", "event": "E", "messageId": "cli-1"})", 5000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200) << r->body;
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string rest;
  while (std::fgets(line, sizeof(line), stream) != nullptr) rest += line;
  fclose(stream);
  EXPECT_NE(rest.find("1 events accepted, 1 loaded"), std::string::npos) << rest;
  auto q = testing::RunZcdp("query -p " + testing::ShellQuote(project) +
                            " -f csv \"SELECT message_id, user_id FROM events.app\"");
  EXPECT_EQ(q.exit_code, 0) << q.err;
  EXPECT_NE(q.out.find("cli-1,u1"), std::string::npos) << q.out;
}

}  // namespace
}  // namespace zcdp
