#include "hoist/auth/paths.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "hoist/auth/os_text.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::auth {

Result<PrimaryPath> primary_auth_path(const AuthPathOptions& options) {
  if (!options.auth_file_path.empty() && !options.docker_compat_path.empty()) {
    return fail(ErrorKind::invalid_input, "AuthFilePath and DockerCompatAuthFilePath can not be set simultaneously");
  }
  if (!options.auth_file_path.empty()) return PrimaryPath{{options.auth_file_path, false}, true};
  if (!options.docker_compat_path.empty()) return PrimaryPath{{options.docker_compat_path, false}, true};
  std::string runtime_dir = env_or_empty("XDG_RUNTIME_DIR");
  if (!runtime_dir.empty()) {
    auto exists = path_exists(runtime_dir);
    if (!exists && exists.error().kind() == ErrorKind::not_found) {
      return fail(exists.error().wrap(fmt::format(
          "{} directory set by $XDG_RUNTIME_DIR does not exist. Either create the directory or unset "
          "$XDG_RUNTIME_DIR.", go_quote(runtime_dir))));
    }
    return PrimaryPath{{join_path(runtime_dir, "containers/auth.json"), false}, false};
  }
  return PrimaryPath{{fmt::format("/run/containers/{}/auth.json", ::getuid()), false}, false};
}

std::vector<AuthPath> auth_file_paths(const AuthPathOptions& options) {
  std::vector<AuthPath> paths;
  bool user_specified = false;
  auto primary = primary_auth_path(options);
  if (primary) {
    paths.push_back(primary->path);
    user_specified = primary->user_specified;
  } else {
    log::warning(primary.error().what() + ": Trying to pull image in the event that it is a public image.");
  }
  if (user_specified) return paths;
  std::string home = home_dir();
  std::string config_home = env_or_empty("XDG_CONFIG_HOME");
  if (config_home.empty()) config_home = join_path(home, ".config");
  paths.push_back({join_path(config_home, "containers/auth.json"), false});
  std::string docker_config = env_or_empty("DOCKER_CONFIG");
  paths.push_back({docker_config.empty() ? join_path(home, ".docker/config.json")
                                         : join_path(docker_config, "config.json"), false});
  paths.push_back({join_path(home, ".dockercfg"), true});
  return paths;
}

} // namespace hoist::auth
