// Go's time.ParseDuration / Duration.String(), because --command-timeout and
// --retry-delay take Go durations ("90s", "1m30s", "1.5h") and report Go's errors.
#include <cmath>
#include <cstdint>
#include <limits>

#include <fmt/format.h>

#include "hoist/cli/flags.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

int64_t unit_nanos(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xc2\xb5s" || u == "\xce\xbcs") return 1000;
  if (u == "ms") return 1000 * 1000;
  if (u == "s") return 1000LL * 1000 * 1000;
  if (u == "m") return 60LL * 1000 * 1000 * 1000;
  if (u == "h") return 3600LL * 1000 * 1000 * 1000;
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Fraction digits of v/10^prec without trailing zeros, e.g. ".5"; "" when zero.
std::string fraction(uint64_t& v, int prec) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int digit = static_cast<int>(v % 10);
    print = print || digit != 0;
    if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
    v /= 10;
  }
  return print ? "." + digits : "";
}

} // namespace

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view orig) {
  auto invalid = [&] { return fail(ErrorKind::invalid_input, "time: invalid duration " + go_quote(orig)); };
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', s.remove_prefix(1);
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return invalid();
  long double total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid();
    size_t i = 0;
    while (i < s.size() && is_digit(s[i])) ++i;
    bool pre = i > 0;
    long double value = 0;
    for (size_t k = 0; k < i; ++k) value = value * 10 + (s[k] - '0');
    s.remove_prefix(i);
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      long double scale = 1;
      size_t j = 0;
      while (j < s.size() && is_digit(s[j])) scale /= 10, value += (s[j] - '0') * scale, ++j;
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid();
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    if (u == 0) return fail(ErrorKind::invalid_input, "time: missing unit in duration " + go_quote(orig));
    int64_t mult = unit_nanos(s.substr(0, u));
    if (mult == 0) {
      return fail(ErrorKind::invalid_input,
                  fmt::format("time: unknown unit {} in duration {}", go_quote(s.substr(0, u)), go_quote(orig)));
    }
    s.remove_prefix(u);
    total += value * static_cast<long double>(mult);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return invalid();
  }
  auto n = static_cast<int64_t>(std::llround(total));
  return std::chrono::nanoseconds(neg ? -n : n);
}

std::string format_go_duration(std::chrono::nanoseconds d) {
  int64_t n = d.count();
  bool neg = n < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string sign = neg ? "-" : "";
  if (u == 0) return "0s";
  if (u < 1000) return fmt::format("{}{}ns", sign, u);
  if (u < 1000 * 1000) {
    std::string frac = fraction(u, 3);
    return fmt::format("{}{}{}\xc2\xb5s", sign, u, frac);
  }
  if (u < 1000ULL * 1000 * 1000) {
    std::string frac = fraction(u, 6);
    return fmt::format("{}{}{}ms", sign, u, frac);
  }
  std::string frac = fraction(u, 9);
  uint64_t secs = u % 60, mins = (u / 60) % 60, hours = u / 3600;
  std::string out = fmt::format("{}{}s", secs, frac);
  if (u >= 60) out = fmt::format("{}m", mins) + out;
  if (hours > 0) out = fmt::format("{}h", hours) + out;
  return sign + out;
}

} // namespace hoist::cli
