#pragma once

#include <string_view>

namespace zcdp {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kQuiet = 4 };

// Process-wide log level. Messages below it are dropped. Thread-safe.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// Parses "debug|info|warn|error|quiet". Returns false on anything else.
bool ParseLogLevel(std::string_view text, LogLevel* out);

// Writes one line to stderr as "zcdp: <level>: <message>" when `level` passes the filter.
// Thread-safe. Log lines never carry customer values: callers pass counts and names only.
void Log(LogLevel level, std::string_view message);

inline void LogDebug(std::string_view m) { Log(LogLevel::kDebug, m); }
inline void LogInfo(std::string_view m) { Log(LogLevel::kInfo, m); }
inline void LogWarn(std::string_view m) { Log(LogLevel::kWarn, m); }
inline void LogError(std::string_view m) { Log(LogLevel::kError, m); }

}  // namespace zcdp
