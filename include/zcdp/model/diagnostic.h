#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace zcdp {

// A position in a project file. Lines and columns are 1-based; 0 means "unknown".
struct SourcePos {
  int line = 0;
  int column = 0;
};

// One problem found in a project file, with where it is and what was expected.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string file;
  SourcePos pos;
  std::string message;  // says what is wrong and what was expected; never a customer value

  // "file:line:column: error: message" (the compiler convention editors understand).
  std::string ToString() const;
};

// Collects diagnostics so that every problem is reported at once. At most kMaxItems are kept
// (then one "too many problems" error), so hostile input cannot exhaust memory.
class Diagnostics {
 public:
  static constexpr size_t kMaxItems = 1000;

  explicit Diagnostics(std::string file) : file_(std::move(file)) {}
  void Error(SourcePos pos, std::string message);
  void Warning(SourcePos pos, std::string message);
  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return items_; }
  const std::string& file() const { return file_; }
  // All diagnostics, one per line, sorted by position.
  std::string ToString() const;

 private:
  void Add(Diagnostic::Severity severity, SourcePos pos, std::string message);

  std::string file_;
  std::vector<Diagnostic> items_;
};

}  // namespace zcdp
