// Registry error responses turned into the texts skopeo prints (containers/image
// docker/errors.go + distribution_error.go): the first {"errors":[…]} entry as
// "<code words>: <message>" (just the message when it only repeats the code words), a bearer
// error= challenge on a 401, "StatusCode: N, "<body≤50>…"" for bodies that are not
// registry errors, "received unexpected HTTP status: 502 Bad Gateway" outside 4xx.
#pragma once

#include <string>
#include <string_view>

#include "hoist/http/client.hpp"
#include "hoist/util/result.hpp"

namespace hoist::registry {

// registryHTTPResponseToError. The Error carries http_status, registry_code (e.g.
// "MANIFEST_UNKNOWN", "" when not a registry error) and a kind derived from the code.
Error response_to_error(const http::Response& response);
// httpResponseToError used for token requests: 429 "too many requests to registry",
// 401 "unable to retrieve auth token: invalid username/password: …", else
// "<context>: received unexpected HTTP status: …".
Error token_response_to_error(const http::Response& response, std::string_view context);
// "received unexpected HTTP status: 404 Not Found" (UnexpectedHTTPStatusError).
Error unexpected_status_error(const http::Response& response);

// The default message of a registry error code ("manifest unknown"); "" if unknown.
std::string_view code_message(std::string_view code);
// c/image isManifestInvalidError: a PUT rejected because of the manifest's type.
bool is_manifest_type_rejection(const Error& e);

} // namespace hoist::registry
