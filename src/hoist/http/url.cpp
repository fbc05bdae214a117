#include "hoist/http/url.hpp"

#include <algorithm>
#include <memory>

#include <curl/curl.h>
#include <fmt/format.h>

namespace hoist::http {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct UrlHandleDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlHandleDeleter>;

std::string get_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, flags) != CURLUE_OK || !out) return {};
  std::string s(out);
  curl_free(out);
  return s;
}

Error url_error(std::string_view text, CURLUcode code) {
  return Error(ErrorKind::invalid_input, fmt::format("parse {:?}: {}", std::string(text), curl_url_strerror(code)));
}

} // namespace

std::string query_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string query_unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string encode_values(const QueryValues& values) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : values)
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  std::string out;
  for (const auto& key : keys) {
    for (const auto& [k, v] : values) {
      if (k != key) continue;
      if (!out.empty()) out += '&';
      out += query_escape(k) + "=" + query_escape(v);
    }
  }
  return out;
}

QueryValues parse_query(std::string_view query) {
  QueryValues out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    out.emplace_back(query_unescape(key), query_unescape(value));
  }
  return out;
}

std::string Url::host_port() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return port.empty() ? h : h + ":" + port;
}

std::string Url::origin() const { return scheme + "://" + host_port(); }

std::string Url::str() const { return origin() + path + (query.empty() ? "" : "?" + query); }

Result<Url> parse_url(std::string_view text) {
  UrlHandle u(curl_url());
  std::string s(text);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, s.c_str(), CURLU_NON_SUPPORT_SCHEME); rc != CURLUE_OK)
    return fail(url_error(text, rc));
  Url out;
  out.scheme = get_part(u.get(), CURLUPART_SCHEME);
  out.host = get_part(u.get(), CURLUPART_HOST);
  if (out.host.size() >= 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  out.port = get_part(u.get(), CURLUPART_PORT);
  out.path = get_part(u.get(), CURLUPART_PATH);
  out.query = get_part(u.get(), CURLUPART_QUERY);
  return out;
}

Result<std::string> resolve_url(std::string_view base, std::string_view ref) {
  UrlHandle u(curl_url());
  std::string b(base), r(ref);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, b.c_str(), CURLU_NON_SUPPORT_SCHEME); rc != CURLUE_OK)
    return fail(url_error(base, rc));
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, r.c_str(), CURLU_NON_SUPPORT_SCHEME); rc != CURLUE_OK)
    return fail(url_error(ref, rc));
  return get_part(u.get(), CURLUPART_URL);
}

} // namespace hoist::http
