// Status and StatusOr<T>: the return type of every operation that can fail for
// reasons outside the programmer's control (I/O, parsing, user input, requests).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "core/check.h"

namespace encore {

// Pinned values: codes are printed in JSON errors and map to exit codes.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,   // the caller gave something malformed
  kNotFound = 2,          // a file, user, item or model does not exist
  kAlreadyExists = 3,
  kFailedPrecondition = 4,  // the state does not allow this (e.g. model not fitted)
  kOutOfRange = 5,
  kResourceExhausted = 6,   // would not fit in memory / limits exceeded
  kDataLoss = 7,            // corrupt file or database
  kIoError = 8,
  kInternal = 9,
  kUnimplemented = 10,
  kUnavailable = 11,
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidArgument: message".
  std::string ToString() const;
  // Returns a copy with "context: " prepended to the message.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    ENCORE_CHECK(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok().
  T& value() & { ENCORE_CHECK(ok()); return *value_; }
  const T& value() const& { ENCORE_CHECK(ok()); return *value_; }
  T&& value() && { ENCORE_CHECK(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace encore

#define ENCORE_CONCAT_INNER(a, b) a##b
#define ENCORE_CONCAT(a, b) ENCORE_CONCAT_INNER(a, b)

#define ENCORE_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::encore::Status _encore_status = (expr);     \
    if (!_encore_status.ok()) return _encore_status; \
  } while (0)

#define ENCORE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()

// ENCORE_ASSIGN_OR_RETURN(auto x, FunctionReturningStatusOr());
#define ENCORE_ASSIGN_OR_RETURN(lhs, expr) \
  ENCORE_ASSIGN_OR_RETURN_IMPL(ENCORE_CONCAT(_encore_or_, __LINE__), lhs, expr)
