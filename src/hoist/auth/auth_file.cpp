#include "hoist/auth/auth_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/auth/go_json_syntax.hpp"
#include "hoist/auth/helper.hpp"
#include "hoist/auth/os_text.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::auth {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_entry_type = "config.dockerAuthConfig";
constexpr std::string_view k_auths_type = "map[string]config.dockerAuthConfig";

// Go's UnmarshalTypeError.Value for a JSON value.
std::string go_kind(const json& v) {
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "bool";
  return "number";
}

Error type_error(const json& v, std::string_view field, std::string_view type) {
  if (field.empty()) {
    return Error(ErrorKind::invalid_input,
                 fmt::format("json: cannot unmarshal {} into Go value of type {}", go_kind(v), type));
  }
  return Error(ErrorKind::invalid_input,
               fmt::format("json: cannot unmarshal {} into Go struct field {} of type {}", go_kind(v), field, type));
}

// Go matches JSON keys to struct fields case-insensitively.
bool field_is(const std::string& key, std::string_view name) { return to_lower(key) == name; }

Result<std::string> decode_string(const json& v, std::string_view field) {
  if (v.is_null()) return std::string();
  if (!v.is_string()) return fail(type_error(v, field, "string"));
  return v.get<std::string>();
}

// One dockerAuthConfig; `path` is the Go field path prefix ("auths." or "").
Result<AuthEntry> decode_entry(const json& v, std::string_view outer_field, std::string_view path) {
  AuthEntry entry;
  if (v.is_null()) return entry;
  if (!v.is_object()) return fail(type_error(v, outer_field, k_entry_type));
  for (const auto& [key, value] : v.items()) {
    if (field_is(key, "auth")) {
      TRY_ASSIGN(entry.auth, decode_string(value, fmt::format("dockerAuthConfig.{}auth", path)));
    } else if (field_is(key, "identitytoken")) {
      TRY_ASSIGN(entry.identity_token, decode_string(value, fmt::format("dockerAuthConfig.{}identitytoken", path)));
    }
  }
  return entry;
}

Status decode_auths(const json& v, std::map<std::string, AuthEntry>& out, bool legacy) {
  std::string_view field = legacy ? "" : "dockerConfigFile.auths";
  if (v.is_null()) return {};
  if (!v.is_object()) return fail(type_error(v, field, k_auths_type));
  for (const auto& [key, value] : v.items()) {
    TRY_ASSIGN(out[key], decode_entry(value, field, legacy ? "" : "auths."));
  }
  return {};
}

Status decode_cred_helpers(const json& v, std::map<std::string, std::string>& out) {
  if (v.is_null()) return {};
  if (!v.is_object()) return fail(type_error(v, "dockerConfigFile.credHelpers", "map[string]string"));
  for (const auto& [key, value] : v.items()) {
    TRY_ASSIGN(out[key], decode_string(value, "dockerConfigFile.credHelpers"));
  }
  return {};
}

Result<AuthFileContents> decode_config(const json& doc) {
  AuthFileContents contents;
  if (doc.is_null()) return contents;
  if (!doc.is_object()) return fail(type_error(doc, "", "config.dockerConfigFile"));
  for (const auto& [key, value] : doc.items()) {
    if (field_is(key, "auths")) {
      TRY(decode_auths(value, contents.auths, false));
    } else if (field_is(key, "credhelpers")) {
      TRY(decode_cred_helpers(value, contents.cred_helpers));
    } else if (key == "credsStore" && value.is_string()) {
      contents.creds_store = value.get<std::string>();
    }
  }
  return contents;
}

int base64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

Error corrupt_base64(size_t offset) {
  return Error(ErrorKind::invalid_input, fmt::format("illegal base64 data at input byte {}", offset));
}

bool is_newline(char c) { return c == '\n' || c == '\r'; }

// Go's decodeQuantum handling of '=' at quantum position j (si is past the '=').
Status base64_padding(std::string_view s, size_t& si, int j) {
  if (j < 2) return fail(corrupt_base64(si - 1));
  if (j == 2) {
    while (si < s.size() && is_newline(s[si])) ++si;
    if (si == s.size()) return fail(corrupt_base64(s.size()));
    if (s[si] != '=') return fail(corrupt_base64(si - 1));
    ++si;
  }
  while (si < s.size() && is_newline(s[si])) ++si;
  if (si < s.size()) return fail(corrupt_base64(si));
  return {};
}

} // namespace

Result<std::string> base64_decode(std::string_view s) {
  std::string out;
  size_t si = 0;
  while (si < s.size()) {
    int buf[4] = {0, 0, 0, 0};
    int j = 0;
    bool done = false;
    for (; j < 4; ++j) {
      if (si == s.size()) {
        if (j == 0) return out;
        return fail(corrupt_base64(si - static_cast<size_t>(j)));
      }
      auto c = static_cast<unsigned char>(s[si++]);
      int v = base64_value(c);
      if (v >= 0) { buf[j] = v; continue; }
      if (is_newline(static_cast<char>(c))) { --j; continue; }
      if (c != '=') return fail(corrupt_base64(si - 1));
      TRY(base64_padding(s, si, j));
      done = true;
      break;
    }
    unsigned triple = (unsigned(buf[0]) << 18) | (unsigned(buf[1]) << 12) | (unsigned(buf[2]) << 6) | unsigned(buf[3]);
    for (int k = 0; k < j - 1; ++k) out += static_cast<char>((triple >> (16 - 8 * k)) & 0xFF);
    if (done) break;
  }
  return out;
}

std::string base64_encode(std::string_view data) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    unsigned n = unsigned(static_cast<unsigned char>(data[i])) << 16;
    if (i + 1 < data.size()) n |= unsigned(static_cast<unsigned char>(data[i + 1])) << 8;
    if (i + 2 < data.size()) n |= unsigned(static_cast<unsigned char>(data[i + 2]));
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? k_alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? k_alphabet[n & 63] : '=';
  }
  return out;
}

Result<AuthFileContents> parse_auth_json(std::string_view data, bool legacy_format) {
  if (auto syntax = go_json_syntax_error(data)) return fail(ErrorKind::invalid_input, *syntax);
  json doc = json::parse(data, nullptr, false);
  if (doc.is_discarded()) return fail(ErrorKind::invalid_input, "invalid JSON");
  if (!legacy_format) return decode_config(doc);
  AuthFileContents contents;
  TRY(decode_auths(doc, contents.auths, true));
  return contents;
}

Result<AuthFileContents> read_auth_file(const AuthPath& path) {
  TRY_ASSIGN(auto data, read_os_file(path.path));
  if (!data) return AuthFileContents{};
  auto parsed = parse_auth_json(*data, path.legacy_format);
  if (!parsed) return fail(parsed.error().wrap(fmt::format("unmarshaling JSON at {}", go_quote(path.path))));
  return parsed;
}

std::string serialize_auth_json(const AuthFileContents& contents) {
  json auths = json::object();
  for (const auto& [key, entry] : contents.auths) {
    json e = json::object();
    if (!entry.auth.empty()) e["auth"] = entry.auth;
    if (!entry.identity_token.empty()) e["identitytoken"] = entry.identity_token;
    auths[key] = std::move(e);
  }
  json doc = json::object();
  doc["auths"] = std::move(auths);
  if (!contents.cred_helpers.empty()) doc["credHelpers"] = sorted_map_json(contents.cred_helpers);
  return go_marshal_indent(doc, "", "\t");
}

std::string normalize_registry(std::string_view registry) {
  if (registry == "registry-1.docker.io" || registry == "docker.io") return "index.docker.io";
  return std::string(registry);
}

std::string normalize_auth_file_key(std::string_view key, bool legacy_format) {
  std::string_view stripped = key;
  if (starts_with(stripped, "http://")) stripped.remove_prefix(7);
  if (starts_with(stripped, "https://")) stripped.remove_prefix(8);
  if (legacy_format || stripped.size() != key.size()) stripped = stripped.substr(0, stripped.find('/'));
  return normalize_registry(stripped);
}

namespace {

// decodeDockerAuth: "user:password" (password's NULs trimmed); unparsable entries are skipped.
Result<Credentials> decode_docker_auth(const std::string& path, const std::string& key, const AuthEntry& entry) {
  TRY_ASSIGN(auto decoded, base64_decode(entry.auth));
  auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    if (!decoded.empty()) {
      log::warning(fmt::format("Error parsing the \"auth\" field of a credential entry {} in {}, missing semicolon",
                               go_quote(key), go_quote(path)));
    } else {
      log::debug(fmt::format("Found an empty credential entry {} in {} (an unhandled credential helper marker?), "
                             "moving on", go_quote(key), go_quote(path)));
    }
    return Credentials{};
  }
  std::string password = decoded.substr(colon + 1);
  size_t first = password.find_first_not_of('\0');
  password = first == std::string::npos ? "" : password.substr(first, password.find_last_not_of('\0') - first + 1);
  return Credentials{decoded.substr(0, colon), password, entry.identity_token};
}

// Docker's credsStore (an extension over skopeo): used only when nothing else matched,
// and its failures never fail a lookup skopeo would have answered "anonymous".
Credentials from_creds_store(const AuthFileContents& contents, std::string_view registry) {
  if (contents.creds_store.empty()) return {};
  std::string server = normalize_registry(registry) == "index.docker.io" ? "https://index.docker.io/v1/"
                                                                          : std::string(registry);
  auto creds = helper_get(contents.creds_store, server);
  if (!creds) {
    log::debug(fmt::format("Ignoring credsStore {}: {}", contents.creds_store, creds.error().what()));
    return {};
  }
  return *creds;
}

// The auths part of findCredentialsInFile: exact keys, most specific first (host/a/b/c,
// host/a/b, host/a, host; legacy files: host only), then any normalized-equal key.
Result<Credentials> find_in_auths(const AuthFileContents& contents, std::string_view key, std::string_view registry,
                                  const AuthPath& path) {
  std::string candidate(path.legacy_format ? registry : key);
  for (;;) {
    auto it = contents.auths.find(candidate);
    if (it != contents.auths.end()) return decode_docker_auth(path.path, it->first, it->second);
    auto slash = candidate.rfind('/');
    if (slash == std::string::npos) break;
    candidate.resize(slash);
  }
  std::string normalized = normalize_registry(registry);
  for (const auto& [k, entry] : contents.auths) {
    if (normalize_auth_file_key(k, path.legacy_format) == normalized) return decode_docker_auth(path.path, k, entry);
  }
  log::debug(fmt::format("No credentials matching {} found in {}", key, path.path));
  return Credentials{};
}

} // namespace

Result<Credentials> find_credentials_in_file(std::string_view key, std::string_view registry, const AuthPath& path) {
  auto contents = read_auth_file(path);
  if (!contents) return fail(contents.error().wrap(fmt::format("reading JSON file {}", go_quote(path.path))));
  auto helper = contents->cred_helpers.find(std::string(registry));
  if (helper != contents->cred_helpers.end()) {
    log::debug(fmt::format("Looking up in credential helper {} based on credHelpers entry in {}", helper->second,
                           path.path));
    return helper_get(helper->second, registry);
  }
  // Most specific first: host/a/b/c, host/a/b, host/a, host (legacy files: host only).
  TRY_ASSIGN(auto creds, find_in_auths(*contents, key, registry, path));
  if (!creds.empty()) return creds;
  return from_creds_store(*contents, registry);
}

} // namespace hoist::auth
