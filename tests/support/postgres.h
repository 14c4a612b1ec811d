#pragma once

// Access to the throwaway PostgreSQL 15 cluster that ctest starts for the tests (fixture
// `postgres` in tests/CMakeLists.txt, made by scripts/pg-test-cluster). The environment
// variable ZCDP_TEST_PG_DIR names the cluster's directory, which holds:
//   dsn       host=DIR port=PORT user=zcdp_admin dbname=postgres   (unix socket, trusted)
//   tcp_dsn   host=127.0.0.1 port=PORT user=zcdp_admin dbname=postgres   (needs password)
//   password  the superuser's password
// Setup runs psql, so this works before any libpq code exists.

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

// Skips the current test when it runs outside ctest, which alone starts the cluster.
#define ZCDP_REQUIRE_POSTGRES()                                                           \
  do {                                                                                    \
    if (!::zcdp::testing::TestPostgresDir()) {                                            \
      GTEST_SKIP() << "no test PostgreSQL cluster: run through ctest (make test), which " \
                      "starts one";                                                       \
    }                                                                                     \
  } while (0)

namespace zcdp::testing {

namespace pg_detail {

inline std::string Trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

inline std::string ReadTrimmed(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return Trim(ss.str());
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Replaces (or adds) the keyword `key` of a keyword/value DSN whose values are unquoted,
// as the cluster's DSN files are.
inline std::string WithDsnValue(const std::string& dsn, std::string_view key,
                                const std::string& value) {
  std::istringstream words(dsn);
  std::string out, word;
  const std::string prefix = std::string(key) + "=";
  while (words >> word) {
    if (word.rfind(prefix, 0) == 0) continue;
    out += word + " ";
  }
  return out + prefix + value;
}

inline std::string PsqlBinary() {
  const char* kDebianPsql = "/usr/lib/postgresql/15/bin/psql";
  return std::filesystem::exists(kDebianPsql) ? kDebianPsql : "psql";
}

}  // namespace pg_detail

// The test cluster's directory, from ZCDP_TEST_PG_DIR; nullopt outside ctest.
inline std::optional<std::string> TestPostgresDir() {
  const char* dir = std::getenv("ZCDP_TEST_PG_DIR");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  return std::string(dir);
}

// The superuser's DSN over the unix socket (no password needed), database `postgres`.
// REQUIRES: TestPostgresDir() has a value (else returns "").
inline std::string AdminDsn() {
  const auto dir = TestPostgresDir();
  return dir ? pg_detail::ReadTrimmed(std::filesystem::path(*dir) / "dsn") : "";
}

// The superuser's DSN over TCP on 127.0.0.1, database `postgres`, without its password.
// REQUIRES: TestPostgresDir() has a value (else returns "").
inline std::string TcpDsn() {
  const auto dir = TestPostgresDir();
  return dir ? pg_detail::ReadTrimmed(std::filesystem::path(*dir) / "tcp_dsn") : "";
}

// The superuser's password (needed over TCP, scram-sha-256).
// REQUIRES: TestPostgresDir() has a value (else returns "").
inline std::string Password() {
  const auto dir = TestPostgresDir();
  return dir ? pg_detail::ReadTrimmed(std::filesystem::path(*dir) / "password") : "";
}

// Runs `sql` (one or more statements) with psql against `dsn`, stopping at the first error,
// never prompting for a password. On success returns true and, if `out` is given, sets it to
// psql's stdout in unaligned tuples-only form: one row a line, columns separated by `|`.
// psql's error messages go to the test's stderr.
inline bool Psql(const std::string& dsn, const std::string& sql, std::string* out = nullptr) {
  static std::atomic<int> counter{0};
  const auto sql_file =
      std::filesystem::temp_directory_path() /
      ("zcdp_psql_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".sql");
  std::ofstream(sql_file, std::ios::binary) << sql << "\n";
  const std::string cmd = pg_detail::PsqlBinary() + " -X -q -w -A -t -v ON_ERROR_STOP=1 -d " +
                          pg_detail::Quote(dsn) + " -f " + pg_detail::Quote(sql_file.string()) +
                          " </dev/null";
  std::string captured;
  int status = -1;
  if (FILE* pipe = ::popen(cmd.c_str(), "r")) {
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) captured.append(buf.data(), n);
    status = ::pclose(pipe);
  }
  std::filesystem::remove(sql_file);
  if (out != nullptr) *out = std::move(captured);
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A fresh database in the test cluster, dropped (with its connections) on destruction.
// Named <prefix>_<pid>_<counter>, lowercased to [a-z0-9_] and at most 63 bytes, so tests
// running in parallel processes never share one.
// REQUIRES: TestPostgresDir() has a value; check ok() before use.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& prefix) : name_(UniqueName(prefix)) {
    admin_dsn_ = AdminDsn();
    // A crashed earlier run with the same pid may have left the name behind.
    ok_ = !admin_dsn_.empty() &&
          Psql(admin_dsn_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE);\n" +
                               "CREATE DATABASE " + name_ + ";");
  }
  ~TestDatabase() {
    if (ok_) Psql(admin_dsn_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE);");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Whether the database was created.
  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // The superuser's unix-socket DSN for this database.
  std::string dsn() const { return pg_detail::WithDsnValue(admin_dsn_, "dbname", name_); }
  // The superuser's TCP DSN for this database, password included.
  std::string tcp_dsn() const {
    return pg_detail::WithDsnValue(pg_detail::WithDsnValue(TcpDsn(), "dbname", name_), "password",
                                   Password());
  }

 private:
  static std::string UniqueName(const std::string& prefix) {
    static std::atomic<int> counter{0};
    const std::string suffix = "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::string name;
    for (char c : prefix) {
      const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      name += (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') ? l : '_';
    }
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) name = "t" + name;
    return name.substr(0, 63 - suffix.size()) + suffix;
  }

  std::string name_;
  std::string admin_dsn_;
  bool ok_ = false;
};

}  // namespace zcdp::testing
