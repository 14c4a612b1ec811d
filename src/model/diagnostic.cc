#include "zcdp/model/diagnostic.h"

#include <algorithm>
#include <tuple>

namespace zcdp {

std::string Diagnostic::ToString() const {
  std::string out = file;
  if (pos.line > 0) {
    out += ":" + std::to_string(pos.line);
    if (pos.column > 0) out += ":" + std::to_string(pos.column);
  }
  out += severity == Severity::kError ? ": error: " : ": warning: ";
  out += message;
  return out;
}

void Diagnostics::Add(Diagnostic::Severity severity, SourcePos pos, std::string message) {
  if (items_.size() > kMaxItems) return;
  if (items_.size() == kMaxItems) {
    items_.push_back(
        {Diagnostic::Severity::kError, file_, pos,
         "too many problems; only the first " + std::to_string(kMaxItems) + " are shown"});
    return;
  }
  items_.push_back({severity, file_, pos, std::move(message)});
}

void Diagnostics::Error(SourcePos pos, std::string message) {
  Add(Diagnostic::Severity::kError, pos, std::move(message));
}

void Diagnostics::Warning(SourcePos pos, std::string message) {
  Add(Diagnostic::Severity::kWarning, pos, std::move(message));
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Diagnostic::Severity::kError;
  });
}

std::string Diagnostics::ToString() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  std::string out;
  for (const auto& d : sorted) out += d.ToString() + "\n";
  return out;
}

}  // namespace zcdp
