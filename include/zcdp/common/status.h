#pragma once

#include <string>
#include <utility>
#include <variant>

namespace zcdp {

// What kind of failure a Status carries. Callers branch on the code, never on the text.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller (or the user's input) asked for something malformed
  kNotFound,         // a file, table, column or row that should exist does not
  kAlreadyExists,
  kIoError,         // the file system refused
  kWarehouseError,  // the engine rejected a statement or could not be opened
  kUnavailable,     // a resource is locked or busy; retrying later may work
  kInternal,        // an invariant broke: a bug in zcdp
};

// Status is the result of a fallible operation without a value. Cheap to copy when ok.
// Thread-compatible: distinct instances may be used from different threads.
class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) {
    return {StatusCode::kAlreadyExists, std::move(msg)};
  }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Warehouse(std::string msg) { return {StatusCode::kWarehouseError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>". Ok statuses are returned as is.
  Status WithContext(const std::string& context) const {
    return ok() ? *this : Status(code_, context + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-ok Status.
// REQUIRES: a Result is constructed from a non-ok Status only.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  // Returns the error, or an ok Status when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(data_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  // The value, or `fallback` when there is none.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace zcdp

#define ZCDP_CONCAT_INNER(a, b) a##b
#define ZCDP_CONCAT(a, b) ZCDP_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define ZCDP_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::zcdp::Status zcdp_status_ = (expr);        \
    if (!zcdp_status_.ok()) return zcdp_status_; \
  } while (false)

#define ZCDP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define ZCDP_ASSIGN_OR_RETURN(lhs, expr) \
  ZCDP_ASSIGN_OR_RETURN_IMPL(ZCDP_CONCAT(zcdp_result_, __LINE__), lhs, expr)
