#include "hoist/transport/dir/dir.hpp"

#include <charconv>

#include <fmt/format.h>

namespace hoist::transport::dir {

namespace {
constexpr std::string_view k_prefix = "Directory Transport Version: ";

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}
} // namespace

// Like c/image's parseVersion: Sscanf then a strict round-trip comparison, so only the
// canonical spelling (no leading zeros, signs or extra spaces) is accepted.
std::optional<Version> parse_version(std::string_view text) {
  if (!text.starts_with(k_prefix) || !text.ends_with('\n')) return std::nullopt;
  std::string_view body = text.substr(k_prefix.size(), text.size() - k_prefix.size() - 1);
  auto dot = body.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto major = parse_int(body.substr(0, dot));
  auto minor = parse_int(body.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  Version v{*major, *minor};
  if (version_text(v) != text) return std::nullopt;
  return v;
}

std::string version_text(Version v) { return fmt::format("{}{}.{}\n", k_prefix, v.major, v.minor); }

} // namespace hoist::transport::dir
