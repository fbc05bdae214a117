// The write side of credentials, for `login` / `logout` (c/common pkg/auth + c/image
// SetCredentials/RemoveAuthentication): which file is edited, the login argument's key,
// and byte-for-byte the auth.json that skopeo writes (0600, dir 0700, atomic rename).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/auth/credentials.hpp"
#include "hoist/auth/paths.hpp"
#include "hoist/util/result.hpp"

namespace hoist::auth {

// login/logout flags.
struct StoreOptions {
  std::string authfile;        // --authfile ("": $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG compat, else default)
  std::string compat_authfile; // --compat-auth-file (Docker config.json format, unknown keys kept)
  std::vector<std::string> credential_helpers; // registries.conf; empty = {"containers-auth.json"}
};

// The resolved target of one login/logout command (resolve once: it may log warnings).
struct StoreContext {
  AuthPathOptions paths;
  std::vector<std::string> credential_helpers;
};

// systemContextWithOptions: both paths set is an error; warns when a path is ~/.docker/config.json.
Result<StoreContext> resolve_store_context(const StoreOptions& options);
// logout's CheckAuthFile: "credential file is not accessible: faccessat <p>: …" ("" is fine).
Status check_auth_file(std::string_view path);

struct LoginKey {
  std::string key;      // "host[:port]" or "host[:port]/ns/repo"
  std::string registry; // "host[:port]"
};
// parseCredentialsKey: "https://host/…" → host; "host/ns/repo" kept (no tag/digest).
Result<LoginKey> parse_login_key(std::string_view arg, bool accept_repositories = true);

// GetCredentials(key) as login/logout see it (for --get-login, existing-credential checks).
Result<std::optional<Credentials>> stored_for_key(const StoreContext& ctx, std::string_view key);
// SetCredentials: returns the human description for `login -v` ("Used:  <path>").
Result<std::string> store_login(const StoreContext& ctx, std::string_view key, std::string_view username,
                                std::string_view password);
// RemoveAuthentication: true when something was removed, false for "not logged in".
Result<bool> remove_login(const StoreContext& ctx, std::string_view key);
// RemoveAllAuthentication.
Status remove_all(const StoreContext& ctx);

} // namespace hoist::auth
