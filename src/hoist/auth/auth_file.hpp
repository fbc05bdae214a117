// The auth.json / Docker config.json model, read and written the way containers/image's
// pkg/docker/config does it (skopeo-compat.md §5): only "auths" and "credHelpers" are
// understood (anything else is dropped on rewrite), field names match case-insensitively
// like Go's encoding/json, and rewrites are json.MarshalIndent(…, "", "\t") bytes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "hoist/auth/credentials.hpp"
#include "hoist/util/result.hpp"

namespace hoist::auth {

struct AuthEntry {
  std::string auth;           // base64("user:password")
  std::string identity_token; // "identitytoken"
};

struct AuthFileContents {
  std::map<std::string, AuthEntry> auths;
  std::map<std::string, std::string> cred_helpers; // registry -> helper suffix
  std::string creds_store;                         // Docker's "credsStore" (read only; not c/image)
};

// A credentials file and how to read it.
struct AuthPath {
  std::string path;
  bool legacy_format = false; // ~/.dockercfg: the top level is the auths map
};

// Parses file bytes; errors are Go's ("unexpected end of JSON input", "json: cannot
// unmarshal …"), without the file context.
Result<AuthFileContents> parse_auth_json(std::string_view data, bool legacy_format);
// Reads `path`; a missing file is empty contents. Errors: `unmarshaling JSON at "<p>": …`
// or the os error ("open <p>: permission denied").
Result<AuthFileContents> read_auth_file(const AuthPath& path);
// json.MarshalIndent(dockerConfigFile, "", "\t"): auths (sorted), credHelpers if non-empty.
std::string serialize_auth_json(const AuthFileContents& contents);

// Go's base64.StdEncoding.DecodeString: "illegal base64 data at input byte N".
Result<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view data);

// docker.io, registry-1.docker.io -> index.docker.io; others unchanged.
std::string normalize_registry(std::string_view registry);
// A file key as a registry host: http(s):// stripped (then cut at '/'), normalized.
std::string normalize_auth_file_key(std::string_view key, bool legacy_format);

// Credentials in one file for `key` ("host[/ns/repo]"), whose registry part is `registry`:
// credHelpers[registry], else the most specific auths key, else a normalized-equal key.
// Empty Credentials when nothing matched.
Result<Credentials> find_credentials_in_file(std::string_view key, std::string_view registry,
                                             const AuthPath& path);

} // namespace hoist::auth
