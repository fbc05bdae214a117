// GetCredentials: explicit flags first, then each configured credential helper in
// order, where the built-in "containers-auth.json" helper walks the auth files.
#include "hoist/auth/credentials.hpp"

#include <fmt/format.h>

#include "hoist/auth/auth_file.hpp"
#include "hoist/auth/helper.hpp"
#include "hoist/auth/os_text.hpp"
#include "hoist/auth/paths.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::auth {

namespace {

struct Found {
  Credentials creds;
  std::string file; // "" for external helpers
};

AuthPathOptions path_options(const LookupOptions& options) {
  AuthPathOptions out;
  out.auth_file_path = options.authfile ? *options.authfile : env_or_empty("REGISTRY_AUTH_FILE");
  return out;
}

Result<Found> from_auth_files(const LookupOptions& options, std::string_view key, std::string_view registry) {
  for (const auto& path : auth_file_paths(path_options(options))) {
    TRY_ASSIGN(auto creds, find_credentials_in_file(key, registry, path));
    if (!creds.empty()) return Found{creds, path.path};
  }
  return Found{};
}

// multierr.Format("errors looking up credentials:\n\t* ", "\nt* ", "\n", errs) — c/image's
// separator really is "\nt* ".
Error join_errors(const std::vector<Error>& errors) {
  if (errors.size() == 1) return errors.front();
  std::string text = "errors looking up credentials:\n\t* " + errors.front().what();
  for (size_t i = 1; i < errors.size(); ++i) text += "\nt* " + errors[i].what();
  return Error(errors.front().kind(), text + "\n");
}

} // namespace

Result<bool> validate_key(std::string_view key) {
  if (starts_with(key, "http://") || starts_with(key, "https://")) {
    return fail(ErrorKind::invalid_input, fmt::format("key {} contains http[s]:// prefix", key));
  }
  if (key.find('@') != std::string_view::npos) {
    return fail(ErrorKind::invalid_input, fmt::format("key {} contains a '@' character", key));
  }
  auto slash = key.find('/');
  if (slash != std::string_view::npos && key.find(':', slash + 1) != std::string_view::npos) {
    return fail(ErrorKind::invalid_input, fmt::format("key {} contains a ':' character after host[:port]", key));
  }
  return slash != std::string_view::npos;
}

Result<std::optional<Credentials>> lookup_key(const LookupOptions& options, std::string_view key) {
  TRY(validate_key(key));
  if (options.no_creds) return std::optional<Credentials>();
  if (options.explicit_creds) {
    log::debug(fmt::format("Returning credentials for {} from DockerAuthConfig", key));
    if (options.explicit_creds->empty()) return std::optional<Credentials>();
    return options.explicit_creds;
  }
  std::string_view registry = key.substr(0, key.find('/'));
  std::vector<std::string> helpers = options.credential_helpers;
  if (helpers.empty()) helpers.emplace_back(k_auth_file_helper);
  std::vector<Error> errors;
  for (const auto& helper : helpers) {
    bool files = helper == k_auth_file_helper;
    auto found = files ? from_auth_files(options, key, registry)
                       : helper_get(helper, registry).map([](Credentials c) { return Found{c, ""}; });
    if (!found) {
      log::debug(fmt::format("Error looking up credentials for {} in credential helper {}: {}",
                             files ? key : registry, helper, found.error().what()));
      errors.push_back(found.error());
      continue;
    }
    if (found->creds.empty()) continue;
    std::string msg = fmt::format("Found credentials for {} in credential helper {}", files ? key : registry, helper);
    if (!found->file.empty()) msg += " in file " + found->file;
    log::debug(msg);
    return std::optional<Credentials>(found->creds);
  }
  if (!errors.empty()) return fail(join_errors(errors));
  log::debug(fmt::format("No credentials for {} found", key));
  return std::optional<Credentials>();
}

Result<std::optional<Credentials>> lookup(const LookupOptions& options, std::string_view registry,
                                          std::string_view repository) {
  std::string key(registry);
  if (!repository.empty()) key += "/" + std::string(repository);
  return lookup_key(options, key);
}

} // namespace hoist::auth
