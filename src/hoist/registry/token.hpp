// Bearer token requests and responses (c/image docker_client.go getBearerToken,
// getBearerTokenOAuth2, readFromHTTPResponseBody).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/registry/challenge.hpp"
#include "hoist/util/result.hpp"

namespace hoist::registry {

// GET URL: the realm's own query plus account= (when a username is known), service=
// and one scope= per complete scope, keys sorted as url.Values.Encode does.
Result<std::string> token_get_url(std::string_view realm, std::string_view service, std::string_view account,
                                  const std::vector<Scope>& scopes);
// POST form for an identity (refresh) token.
std::string token_oauth2_form(std::string_view service, const std::vector<Scope>& scopes,
                              std::string_view refresh_token);

struct Token {
  std::string value;
  std::chrono::system_clock::time_point expires;
};
// {"token"|"access_token", "expires_in" (≥ 60), "issued_at"}.
Result<Token> parse_token_response(std::string_view body, std::string_view url);

} // namespace hoist::registry
