// Credentials for a registry, looked up as skopeo looks them up (skopeo-compat.md §5).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::auth {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token; // OAuth2 refresh token from auth.json "identitytoken"
};

// Where to look: the CLI's --authfile (or $REGISTRY_AUTH_FILE) and explicit creds.
struct LookupOptions {
  std::optional<std::string> authfile;
  std::optional<Credentials> explicit_creds; // --creds / --username+--password
  bool no_creds = false;                     // --no-creds: anonymous
};

// Credentials for `registry` ("host[:port]") and repository path ("ns/repo"), or
// nullopt for anonymous access. Never logs secrets.
Result<std::optional<Credentials>> lookup(const LookupOptions& options, std::string_view registry,
                                          std::string_view repository);

} // namespace hoist::auth
