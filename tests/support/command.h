#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

namespace zcdp::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the built `zcdp` binary with `args` (already shell-quoted where needed), capturing
// stdout and stderr separately.
inline CommandResult RunZcdp(const std::string& args) {
  const auto err_file =
      std::filesystem::temp_directory_path() / ("zcdp_err_" + std::to_string(::getpid()) + ".txt");
  const std::string cmd =
      std::string(ZCDP_BINARY) + " " + args + " 2>" + ShellQuote(err_file.string()) + " </dev/null";
  CommandResult r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = ReadFile(err_file);
  std::filesystem::remove(err_file);
  return r;
}

// The command words listed under "Subcommands:" in a --help text.
inline std::vector<std::string> CommandsIn(const std::string& help) {
  std::vector<std::string> out;
  const size_t at = help.find("Subcommands:\n");
  if (at == std::string::npos) return out;
  std::istringstream lines(help.substr(at + 13));
  std::string line;
  while (std::getline(lines, line) && line.rfind("  ", 0) == 0) {
    std::istringstream words(line);
    std::string word;
    words >> word;
    out.push_back(word);
  }
  return out;
}

}  // namespace zcdp::testing
