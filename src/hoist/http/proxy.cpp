// Proxy selection with Go's rules, so that hoist and skopeo reach the same hosts the
// same way (curl's own env handling differs: it ignores HTTP_PROXY and proxies loopback).
#include <arpa/inet.h>
#include <cstdlib>

#include "hoist/http/detail.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::http::detail {

namespace {

std::string env_either(const char* upper, const char* lower) {
  if (const char* v = std::getenv(upper); v && *v) return v;
  if (const char* v = std::getenv(lower); v && *v) return v;
  return {};
}

bool is_loopback(const std::string& host) {
  if (to_lower(host) == "localhost") return true;
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  in6_addr a6{};
  if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

// One NO_PROXY entry: "*", "host", ".domain", "domain" (also matches subdomains), "host:port".
bool no_proxy_matches(std::string entry, const Url& url) {
  entry = to_lower(trim(entry));
  if (entry.empty()) return false;
  if (entry == "*") return true;
  std::string host = to_lower(url.host);
  if (auto colon = entry.rfind(':'); colon != std::string::npos && entry.find(']') == std::string::npos &&
                                     entry.find(':') == colon) {
    if (entry.substr(colon + 1) != url.port) return false;
    entry = entry.substr(0, colon);
  }
  if (entry.front() == '.') return ends_with(host, entry) || host == entry.substr(1);
  return host == entry || ends_with(host, "." + entry);
}

} // namespace

std::string proxy_for(const Url& url) {
  if (is_loopback(url.host)) return {};
  std::string no_proxy = env_either("NO_PROXY", "no_proxy");
  for (const auto& entry : split(no_proxy, ','))
    if (no_proxy_matches(entry, url)) return {};
  if (url.scheme == "https") return env_either("HTTPS_PROXY", "https_proxy");
  if (url.scheme == "http") return env_either("HTTP_PROXY", "http_proxy");
  return {};
}

} // namespace hoist::http::detail
