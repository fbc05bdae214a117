// Credentials for a registry, looked up as skopeo looks them up (skopeo-compat.md §5).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::auth {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token; // OAuth2 refresh token from auth.json "identitytoken"

  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
  bool operator==(const Credentials&) const = default;
};

// The registries.conf `credential-helpers` entry that means "the auth files".
inline constexpr std::string_view k_auth_file_helper = "containers-auth.json";

// Where to look: the CLI's --authfile (or $REGISTRY_AUTH_FILE) and explicit creds.
struct LookupOptions {
  // --authfile: only this file is read. nullopt: $REGISTRY_AUTH_FILE (skopeo's flag
  // default); "" or unset variable: the default file list.
  std::optional<std::string> authfile;
  std::optional<Credentials> explicit_creds; // --creds / --username+--password
  bool no_creds = false;                     // --no-creds: anonymous
  // registries.conf credential-helpers, in order; empty means {"containers-auth.json"}.
  // Other names run docker-credential-<name>.
  std::vector<std::string> credential_helpers;
};

// Credentials for `registry` ("host[:port]") and repository path ("ns/repo"), or
// nullopt for anonymous access. Never logs secrets.
Result<std::optional<Credentials>> lookup(const LookupOptions& options, std::string_view registry,
                                          std::string_view repository);

// c/image GetCredentials for a key "host[:port][/ns/repo]" (validated as validate_key does).
Result<std::optional<Credentials>> lookup_key(const LookupOptions& options, std::string_view key);

// validateKey: rejects http(s):// prefixes, '@', and ':' after host[:port]; returns
// whether the key is namespaced (has a '/').
Result<bool> validate_key(std::string_view key);

} // namespace hoist::auth
