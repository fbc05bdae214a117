#include "hoist/registry/token.hpp"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/http/url.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

constexpr int k_minimum_token_lifetime_s = 60;

void add_scopes(http::QueryValues& values, const std::vector<Scope>& scopes) {
  for (const auto& s : scopes)
    if (!s.resource_type.empty() && !s.name.empty() && !s.actions.empty()) values.emplace_back("scope", s.str());
}

// RFC 3339 (Go's time.Time JSON form): "2024-01-02T03:04:05.123Z" or with "+02:00".
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& s) {
  std::tm tm{};
  const char* p = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!p) return std::nullopt;
  std::time_t t = timegm(&tm);
  if (*p == '.')
    while (*++p >= '0' && *p <= '9') {}
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else if (*p == '+' || *p == '-') {
    int hh = 0, mm = 0;
    if (std::sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    t -= (*p == '+' ? 1 : -1) * (hh * 3600 + mm * 60);
    p += 6;
  } else {
    return std::nullopt;
  }
  if (*p != '\0') return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

} // namespace

Result<std::string> token_get_url(std::string_view realm, std::string_view service, std::string_view account,
                                  const std::vector<Scope>& scopes) {
  std::string base(realm);
  std::string query;
  if (auto q = base.find('?'); q != std::string::npos) {
    query = base.substr(q + 1);
    base = base.substr(0, q);
  }
  http::QueryValues values = http::parse_query(query);
  if (!account.empty()) values.emplace_back("account", std::string(account));
  if (!service.empty()) values.emplace_back("service", std::string(service));
  add_scopes(values, scopes);
  std::string encoded = http::encode_values(values);
  return encoded.empty() ? base : base + "?" + encoded;
}

std::string token_oauth2_form(std::string_view service, const std::vector<Scope>& scopes,
                              std::string_view refresh_token) {
  http::QueryValues values;
  if (!service.empty()) values.emplace_back("service", std::string(service));
  add_scopes(values, scopes);
  values.emplace_back("grant_type", "refresh_token");
  values.emplace_back("refresh_token", std::string(refresh_token));
  values.emplace_back("client_id", "containers/image");
  return http::encode_values(values);
}

Result<Token> parse_token_response(std::string_view body, std::string_view url) {
  using nlohmann::json;
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::string sample(body.substr(0, 50));
    return fail(ErrorKind::invalid_input, fmt::format("decoding bearer token (last URL {}, body start {}): {}",
                                                      go_quote(url), go_quote(sample),
                                                      j.is_discarded() ? "invalid character in JSON"
                                                                       : "cannot unmarshal into Go value"));
  }
  Token token;
  token.value = j.value("token", std::string());
  if (token.value.empty()) token.value = j.value("access_token", std::string());
  int expires_in = j.contains("expires_in") && j["expires_in"].is_number_integer() ? j["expires_in"].get<int>() : 0;
  if (expires_in < k_minimum_token_lifetime_s) expires_in = k_minimum_token_lifetime_s;
  auto issued = std::chrono::system_clock::now();
  if (j.contains("issued_at") && j["issued_at"].is_string())
    if (auto t = parse_rfc3339(j["issued_at"].get<std::string>())) issued = *t;
  token.expires = issued + std::chrono::seconds(expires_in);
  return token;
}

} // namespace hoist::registry
