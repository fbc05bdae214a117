// Result<T> and Error: how every layer below the CLI reports failure.
// An Error has a kind (what the caller may do about it), a message, and the error it
// wraps; the text users see is the Go-style chain "outer: inner: innermost", which is
// what skopeo prints, so wrapping in the same places gives the same messages.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace hoist {

enum class ErrorKind {
  invalid_input,    // bad flag, reference, manifest, archive
  not_found,        // blob, file, reference absent
  manifest_unknown, // registry MANIFEST_UNKNOWN / oci "no descriptor found": exit code 2
  unauthorized,
  denied,
  network,          // connection refused/reset, EOF, 5xx
  timeout,
  rate_limited,     // 429
  digest_mismatch,
  unsupported,
  io,
  cancelled,
  internal,
};

class Error {
public:
  Error(ErrorKind kind, std::string message) : m_kind(kind), m_message(std::move(message)) {}

  ErrorKind kind() const { return m_kind; }
  // This error's own text, without the causes.
  const std::string& message() const { return m_message; }
  const Error* cause() const { return m_cause.get(); }
  // The whole chain joined by ": ", as Go's fmt.Errorf("%s: %w") prints it.
  std::string what() const;

  // A new error "context: <this>" of the same kind.
  Error wrap(std::string context) const;
  // Innermost error's kind decides retry and exit code unless a wrapper overrides it.
  Error with_kind(ErrorKind kind) const;

  int http_status = 0;            // 0 when not from an HTTP response
  std::string registry_code;      // e.g. "MANIFEST_UNKNOWN"
  std::optional<std::chrono::milliseconds> retry_after;

  // True for errors that another attempt may cure (network, timeout, 429, 5xx).
  bool retryable() const;

private:
  ErrorKind m_kind;
  std::string m_message;
  std::shared_ptr<const Error> m_cause;
};

template <class T> using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return tl::unexpected<Error>(Error(kind, std::move(message)));
}
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

// Wrap the error of a failed result with context, keep a value as is.
template <class T> Result<T> wrap(Result<T> r, const std::string& context) {
  if (!r) return tl::unexpected<Error>(r.error().wrap(context));
  return r;
}

} // namespace hoist

// TRY(expr): evaluate a Result/Status, return its error from the enclosing function.
#define HOIST_CONCAT_(a, b) a##b
#define HOIST_CONCAT(a, b) HOIST_CONCAT_(a, b)
#define TRY(expr)                                                                          \
  do {                                                                                     \
    auto&& hoist_try_r_ = (expr);                                                          \
    if (!hoist_try_r_) return ::tl::unexpected<::hoist::Error>(std::move(hoist_try_r_).error()); \
  } while (0)
// TRY_ASSIGN(decl, expr): `auto x` or an existing lvalue receives the value.
#define TRY_ASSIGN(lhs, expr) TRY_ASSIGN_IMPL(HOIST_CONCAT(hoist_try_, __LINE__), lhs, expr)
#define TRY_ASSIGN_IMPL(tmp, lhs, expr)                                                    \
  auto tmp = (expr);                                                                       \
  if (!tmp) return ::tl::unexpected<::hoist::Error>(std::move(tmp).error());               \
  lhs = std::move(*tmp)
