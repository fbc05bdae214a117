// Which credential files are read and written, in c/image's order (skopeo-compat.md §5):
// the primary file (user-specified, else $XDG_RUNTIME_DIR/containers/auth.json, else
// /run/containers/<uid>/auth.json), then — only when not user-specified — the XDG config
// auth.json, Docker's config.json and the legacy ~/.dockercfg.
#pragma once

#include <string>
#include <vector>

#include "hoist/auth/auth_file.hpp"
#include "hoist/util/result.hpp"

namespace hoist::auth {

// The SystemContext fields that pick files ("" = unset).
struct AuthPathOptions {
  std::string auth_file_path;       // --authfile / $REGISTRY_AUTH_FILE
  std::string docker_compat_path;   // --compat-auth-file, or $DOCKER_CONFIG/config.json for login
};

struct PrimaryPath {
  AuthPath path;
  bool user_specified = false;
};

// getPathToAuth. Fails when $XDG_RUNTIME_DIR names a missing directory.
Result<PrimaryPath> primary_auth_path(const AuthPathOptions& options);
// getAuthFilePaths; logs the $XDG_RUNTIME_DIR warning and skips that file.
std::vector<AuthPath> auth_file_paths(const AuthPathOptions& options);

} // namespace hoist::auth
