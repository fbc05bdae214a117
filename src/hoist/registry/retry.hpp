// Every retry decision of registry traffic, in one place.
//
// Two layers:
//  * per request (beyond skopeo): 429, 502, 503, 504, connection resets, EOFs and
//    timeouts are retried for EVERY request — with a body too, when the body can be
//    re-opened — honouring Retry-After. On by default (3 attempts; 5 for 429 as
//    c/image does); --retry-times raises it. 401/403/404-class answers are final.
//  * per operation (skopeo's --retry-times/--retry-delay, common/pkg/retry): the whole
//    operation is repeated after "Failed, retrying in 1s ... (1/3). Error: …".
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hoist/http/client.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/result.hpp"

namespace hoist::registry {

using Millis = std::chrono::milliseconds;

struct RetryOptions {
  int max_retry = 0; // --retry-times
  Millis delay{0};   // --retry-delay; 0 = 1s, 2s, 4s…
};

class RequestRetryPolicy {
public:
  RequestRetryPolicy() = default;
  explicit RequestRetryPolicy(const RetryOptions& options);

  // Attempts allowed for a failure of this class (attempt counts from 1).
  int max_attempts(bool rate_limited) const;
  // Delay before the next attempt after a response with this status, or nullopt if the
  // response is final. `restartable`: the request body (if any) can be sent again.
  // `read_only`: a GET or HEAD. Those are also retried on 500, briefly: distribution's
  // filesystem driver writes repository link files in place, so a HEAD racing a mount or
  // an upload of the same blob into the same repository can read a half-written link
  // (500 "invalid checksum digest format") — which parallel sync does all the time.
  std::optional<Millis> after_response(const http::Response& response, int attempt, bool restartable,
                                       bool read_only = false) const;
  // Same after a transfer error (no response).
  std::optional<Millis> after_error(const Error& error, int attempt, bool restartable) const;
  // Backoff before attempt `attempt + 1`, without Retry-After.
  Millis backoff(int attempt, bool rate_limited) const;

private:
  int m_attempts = 3;
  Millis m_base{1000};
};

// Retry-After: delta-seconds or an HTTP date; `fallback` when absent or invalid.
Millis parse_retry_after(const std::optional<std::string>& value, Millis fallback);
// Is the status one the per-request layer retries?
bool retryable_status(int status);

// common/pkg/retry.IsErrorRetryable on our Error model.
bool operation_retryable(const Error& e);
// Go's time.Duration.String() for whole milliseconds: "1s", "1.5s", "100ms", "1m0s".
std::string go_duration(Millis d);
// retry.IfNecessary: runs `op` up to 1 + max_retry times while the error is retryable,
// logging skopeo's warning before each wait.
Status retry_if_necessary(const RetryOptions& options, const std::function<Status()>& op);

} // namespace hoist::registry
