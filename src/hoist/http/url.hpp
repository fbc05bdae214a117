// URL helpers with Go net/url semantics where request bytes depend on them (token
// request queries, upload locations, Link headers).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::http {

using QueryValues = std::vector<std::pair<std::string, std::string>>;

// url.QueryEscape: unreserved bytes kept, ' ' → '+', others %XX.
std::string query_escape(std::string_view s);
// url.QueryUnescape ('+' → ' '); invalid escapes are kept as they are.
std::string query_unescape(std::string_view s);
// url.Values.Encode: keys sorted, a key's values in the order added.
std::string encode_values(const QueryValues& values);
// url.ParseQuery of "a=1&b=2".
QueryValues parse_query(std::string_view query);

struct Url {
  std::string scheme; // "https"
  std::string host;   // without port, no brackets for IPv6
  std::string port;   // "" when absent
  std::string path;   // "/v2/" (still escaped)
  std::string query;  // without '?'
  // scheme://host[:port]
  std::string origin() const;
  // host[:port] (IPv6 in brackets)
  std::string host_port() const;
  std::string str() const;
};

Result<Url> parse_url(std::string_view text);
// RFC 3986 reference resolution, as Go's resp.Location() does against the request URL.
Result<std::string> resolve_url(std::string_view base, std::string_view ref);

} // namespace hoist::http
