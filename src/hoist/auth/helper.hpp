// Docker credential helpers: `docker-credential-<name> get|store|erase|list` run as child
// processes (server URL or JSON on stdin, JSON on stdout, stderr passed through), with
// the error texts of docker-credential-helpers' Go client that skopeo prints.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "hoist/auth/credentials.hpp"
#include "hoist/util/result.hpp"

namespace hoist::auth {

// The helper's credentials for `server_url`; empty Credentials when it says "credentials
// not found in native keychain". Username "<token>" means Secret is an identity token.
Result<Credentials> helper_get(std::string_view name, std::string_view server_url);
// Stores user/secret; returns "credential helper: <name>".
Result<std::string> helper_store(std::string_view name, std::string_view server_url, std::string_view username,
                                 std::string_view secret);
Status helper_erase(std::string_view name, std::string_view server_url);
// server URL -> username.
Result<std::map<std::string, std::string>> helper_list(std::string_view name);

} // namespace hoist::auth
