#include "zcdp/common/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace zcdp {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::mutex g_mutex;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kQuiet:
      break;
  }
  return "";
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level.store(level); }
LogLevel GetLogLevel() { return g_level.load(); }

bool ParseLogLevel(std::string_view text, LogLevel* out) {
  static constexpr std::pair<std::string_view, LogLevel> kNames[] = {
      {"debug", LogLevel::kDebug}, {"info", LogLevel::kInfo},   {"warn", LogLevel::kWarn},
      {"error", LogLevel::kError}, {"quiet", LogLevel::kQuiet},
  };
  for (const auto& [name, level] : kNames) {
    if (text == name) {
      *out = level;
      return true;
    }
  }
  return false;
}

void Log(LogLevel level, std::string_view message) {
  if (level < g_level.load() || level == LogLevel::kQuiet) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "zcdp: %s: %.*s\n", LevelName(level), static_cast<int>(message.size()),
               message.data());
}

}  // namespace zcdp
