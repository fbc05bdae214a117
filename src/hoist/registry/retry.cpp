#include "hoist/registry/retry.hpp"

#include <ctime>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

constexpr int k_rate_limit_attempts = 5; // c/image backoffNumIterations
constexpr Millis k_rate_limit_initial{2000};
constexpr Millis k_max_delay{60'000};

// RFC 1123 / RFC 850 / asctime, as net/http.ParseTime.
std::optional<std::time_t> parse_http_date(const std::string& s) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), format, &tm);
    if (end && *end == '\0') return timegm(&tm);
  }
  return std::nullopt;
}

} // namespace

RequestRetryPolicy::RequestRetryPolicy(const RetryOptions& options)
    : m_attempts(std::max(3, options.max_retry + 1)), m_base(options.delay.count() > 0 ? options.delay : Millis(1000)) {}

int RequestRetryPolicy::max_attempts(bool rate_limited) const {
  return rate_limited ? std::max(k_rate_limit_attempts, m_attempts) : m_attempts;
}

Millis RequestRetryPolicy::backoff(int attempt, bool rate_limited) const {
  Millis base = rate_limited ? std::max(k_rate_limit_initial, m_base) : m_base;
  Millis d = base * (1LL << std::min(attempt - 1, 10));
  return std::min(d, k_max_delay);
}

bool retryable_status(int status) { return status == 429 || (status >= 502 && status <= 504); }

std::optional<Millis> RequestRetryPolicy::after_response(const http::Response& response, int attempt,
                                                         bool restartable, bool read_only) const {
  if (response.status == 500 && read_only && restartable && attempt < max_attempts(false))
    return Millis(50 * attempt);
  if (!retryable_status(response.status) || !restartable) return std::nullopt;
  bool limited = response.status == 429;
  if (attempt >= max_attempts(limited)) return std::nullopt;
  return std::min(parse_retry_after(response.header("Retry-After"), backoff(attempt, limited)), k_max_delay);
}

std::optional<Millis> RequestRetryPolicy::after_error(const Error& error, int attempt, bool restartable) const {
  if (!restartable || !http::is_transient_error(error) || attempt >= max_attempts(false)) return std::nullopt;
  return backoff(attempt, false);
}

Millis parse_retry_after(const std::optional<std::string>& value, Millis fallback) {
  if (!value || value->empty()) return fallback;
  std::string v = trim(*value);
  if (v.find_first_not_of("0123456789") == std::string::npos && v.size() < 10) return Millis(std::stoll(v) * 1000);
  if (auto t = parse_http_date(v)) {
    auto delta = std::chrono::system_clock::from_time_t(*t) - std::chrono::system_clock::now();
    if (delta.count() > 0) return std::chrono::duration_cast<Millis>(delta);
  }
  return fallback;
}

bool operation_retryable(const Error& e) {
  if (e.kind() == ErrorKind::cancelled || http::is_deadline_error(e)) return false;
  if (!e.registry_code.empty()) {
    const std::string& c = e.registry_code;
    return !(c == "UNAUTHORIZED" || c == "DENIED" || c == "NAME_UNKNOWN" || c == "MANIFEST_UNKNOWN");
  }
  if (e.http_status != 0) {
    // UnexpectedHTTPStatusError: only 502-504; "StatusCode: N" bodies never.
    return e.what().find("received unexpected HTTP status") != std::string::npos && e.http_status >= 502 &&
           e.http_status <= 504;
  }
  return http::is_connection_error(e);
}

std::string go_duration(Millis d) {
  long long ms = d.count();
  if (ms == 0) return "0s";
  if (ms < 1000) return fmt::format("{}ms", ms);
  long long minutes = ms / 60000, rest = ms % 60000;
  std::string secs = rest % 1000 == 0 ? fmt::format("{}", rest / 1000) : fmt::format("{}.{:03}", rest / 1000, rest % 1000);
  while (secs.find('.') != std::string::npos && secs.back() == '0') secs.pop_back();
  if (minutes == 0) return secs + "s";
  long long hours = minutes / 60;
  if (hours == 0) return fmt::format("{}m{}s", minutes, secs);
  return fmt::format("{}h{}m{}s", hours, minutes % 60, secs);
}

Status retry_if_necessary(const RetryOptions& options, const std::function<Status()>& op) {
  Status result = op();
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  for (int attempt = 0; !result && operation_retryable(result.error()) && attempt < options.max_retry; ++attempt) {
    Millis delay = options.delay.count() != 0 ? options.delay : Millis(1000LL << std::min(attempt, 20));
    log::warning(fmt::format("Failed, retrying in {} ... ({}/{}). Error: {}", go_duration(delay), attempt + 1,
                             options.max_retry, result.error().what()));
    long long jitter_max = delay.count() / 10;
    Millis jitter(jitter_max > 0 ? static_cast<long long>(rng() % static_cast<unsigned long long>(jitter_max)) : 0);
    std::this_thread::sleep_for(delay + jitter);
    result = op();
  }
  return result;
}

} // namespace hoist::registry
