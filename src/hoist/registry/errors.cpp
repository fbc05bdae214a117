#include "hoist/registry/errors.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/registry/challenge.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

using nlohmann::json;

constexpr std::array<std::pair<std::string_view, std::string_view>, 20> k_codes{{
    {"UNKNOWN", "unknown error"},
    {"UNSUPPORTED", "The operation is unsupported."},
    {"UNAUTHORIZED", "authentication required"},
    {"DENIED", "requested access to the resource is denied"},
    {"UNAVAILABLE", "service unavailable"},
    {"TOOMANYREQUESTS", "too many requests"},
    {"DIGEST_INVALID", "provided digest did not match uploaded content"},
    {"SIZE_INVALID", "provided length did not match content length"},
    {"RANGE_INVALID", "invalid content range"},
    {"NAME_INVALID", "invalid repository name"},
    {"TAG_INVALID", "manifest tag did not match URI"},
    {"NAME_UNKNOWN", "repository name not known to registry"},
    {"MANIFEST_UNKNOWN", "manifest unknown"},
    {"MANIFEST_INVALID", "manifest invalid"},
    {"MANIFEST_UNVERIFIED", "manifest failed signature verification"},
    {"MANIFEST_BLOB_UNKNOWN", "blob unknown to registry"},
    {"BLOB_UNKNOWN", "blob unknown to registry"},
    {"BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry"},
    {"BLOB_UPLOAD_INVALID", "blob upload invalid"},
    {"PAGINATION_NUMBER_INVALID", "invalid number of results requested"},
}};

ErrorKind kind_for_code(std::string_view code) {
  if (code == "UNAUTHORIZED") return ErrorKind::unauthorized;
  if (code == "DENIED") return ErrorKind::denied;
  if (code == "MANIFEST_UNKNOWN") return ErrorKind::manifest_unknown;
  if (code == "NAME_UNKNOWN" || code == "BLOB_UNKNOWN" || code == "BLOB_UPLOAD_UNKNOWN" ||
      code == "MANIFEST_BLOB_UNKNOWN")
    return ErrorKind::not_found;
  if (code == "TOOMANYREQUESTS") return ErrorKind::rate_limited;
  if (code == "UNAVAILABLE") return ErrorKind::network;
  if (code == "UNSUPPORTED") return ErrorKind::unsupported;
  return ErrorKind::invalid_input;
}

// One decoded registry error (errcode.Error or a bare errcode.ErrorCode).
struct CodedError {
  std::string code; // normalized: unknown codes become "UNKNOWN"
  std::string message;
  bool bare = false; // no detail and default message: Go keeps only the ErrorCode
};

std::string code_words(std::string_view code) {
  std::string out = to_lower(code);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

std::string normalize_code(const json& j) {
  if (!j.is_string()) return "UNKNOWN";
  std::string code = j.get<std::string>();
  return code_message(code).empty() ? "UNKNOWN" : code;
}

// The text registryHTTPResponseToError gives the first error: errcode.Error's
// "<code words>: <message>" as skopeo 1.9.3 prints it ("unauthorized: authentication
// required", "denied: requested access to the resource is denied", "name unknown: …"),
// a bare errcode.ErrorCode as its words only. The one rewording kept from newer c/image
// is dropping a prefix that only repeats the message ("manifest unknown", not
// "manifest unknown: manifest unknown", §3.4).
std::string coded_text(const CodedError& e) {
  std::string words = code_words(e.code);
  if (e.bare || e.message == words) return e.bare ? words : e.message;
  return words + ": " + e.message;
}

Error coded_error(const CodedError& e, int status) {
  Error err(kind_for_code(e.code), coded_text(e));
  err.http_status = status;
  err.registry_code = e.code;
  return err;
}

// parseHTTPErrorResponse: {"details": …} (legacy) or {"errors": […]}; nullopt when the
// body is neither.
std::optional<CodedError> parse_body(int status, const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  if (auto it = j.find("details"); it != j.end() && it->is_string() && !it->get<std::string>().empty()) {
    std::string code = status == 401 ? "UNAUTHORIZED" : status == 429 ? "TOOMANYREQUESTS" : "UNKNOWN";
    return CodedError{code, it->get<std::string>(), false};
  }
  const json* errors = nullptr;
  for (auto it = j.begin(); it != j.end(); ++it)
    if (to_lower(it.key()) == "errors") errors = &it.value();
  if (!errors || !errors->is_array() || errors->empty()) return std::nullopt;
  const json& first = (*errors)[0];
  if (!first.is_object()) return std::nullopt;
  CodedError e;
  e.code = normalize_code(first.value("code", json()));
  auto msg = first.find("message");
  e.message = msg != first.end() && msg->is_string() ? msg->get<std::string>() : "";
  auto detail = first.find("detail");
  bool has_detail = detail != first.end() && !detail->is_null();
  if (!has_detail && (e.message.empty() || e.message == code_message(e.code))) e.bare = true;
  if (e.message.empty()) e.message = std::string(code_message(e.code));
  return e;
}

Error unparsed_body_error(int status, const std::string& body) {
  std::string sample = body.size() > 50 ? body.substr(0, 50) + "..." : body;
  Error err(status == 404 ? ErrorKind::not_found : ErrorKind::invalid_input,
            fmt::format("StatusCode: {}, {}", status, go_quote(sample)));
  err.http_status = status;
  return err;
}

// A bearer challenge with error=invalid_token / insufficient_scope on a 401.
std::optional<CodedError> challenge_error(const http::Response& response) {
  for (const auto& c : parse_challenges(response.header_values("WWW-Authenticate"))) {
    if (c.scheme != "bearer") continue;
    std::string code = c.param("error") == "invalid_token"        ? "UNAUTHORIZED"
                       : c.param("error") == "insufficient_scope" ? "DENIED"
                                                                  : "";
    if (code.empty()) continue;
    std::string description = c.param("error_description");
    return CodedError{code, description.empty() ? std::string(code_message(code)) : description, false};
  }
  return std::nullopt;
}

} // namespace

std::string_view code_message(std::string_view code) {
  for (const auto& [c, m] : k_codes)
    if (c == code) return m;
  return {};
}

Error unexpected_status_error(const http::Response& response) {
  Error err(response.status >= 500 ? ErrorKind::network : ErrorKind::invalid_input,
            "received unexpected HTTP status: " + response.status_line());
  err.http_status = response.status;
  return err;
}

Error response_to_error(const http::Response& response) {
  int status = response.status;
  if (status == 401) {
    if (auto e = challenge_error(response)) return coded_error(*e, status);
  }
  if (status >= 400 && status < 500) {
    if (auto e = parse_body(status, response.body)) return coded_error(*e, status);
    if (status == 401) return coded_error(CodedError{"UNAUTHORIZED", "authentication required", false}, status);
    return unparsed_body_error(status, response.body);
  }
  return unexpected_status_error(response);
}

Error token_response_to_error(const http::Response& response, std::string_view context) {
  if (response.status == 429) {
    Error err(ErrorKind::rate_limited, "too many requests to registry");
    err.http_status = 429;
    return err;
  }
  if (response.status == 401) {
    Error inner = response_to_error(response);
    Error err(ErrorKind::unauthorized, "unable to retrieve auth token: invalid username/password: " + inner.what());
    err.http_status = 401;
    err.registry_code = inner.registry_code;
    return err;
  }
  return unexpected_status_error(response).wrap(std::string(context));
}

bool is_manifest_type_rejection(const Error& e) {
  if (e.registry_code == "MANIFEST_INVALID" || e.registry_code == "TAG_INVALID") return true;
  return e.registry_code == "UNSUPPORTED" && e.what().find("Invalid JSON syntax") != std::string::npos;
}

} // namespace hoist::registry
