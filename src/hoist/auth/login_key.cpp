// login/logout argument handling: which file a command edits and which key it names.
// The reference check is a small copy of the docker/reference grammar so that auth stays
// below the reference library; it only decides "valid, name-only" and its error texts.
#include <regex>

#include <fmt/format.h>

#include "hoist/auth/os_text.hpp"
#include "hoist/auth/store.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::auth {

namespace {

// docker/reference: group 1 = name, 2 = tag, 3 = digest.
const std::regex& reference_regex() {
  static const std::string component = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  static const std::string domain = component + "(?:\\." + component + ")*(?::[0-9]+)?";
  static const std::string path = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
  static const std::regex re("^((?:" + domain + "/)?" + path + "(?:/" + path + ")*)" +
                             "(?::([\\w][\\w.-]{0,127}))?" +
                             "(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$");
  return re;
}

struct NormalizedRef {
  std::string domain;
  std::string text; // ref.String()
  bool name_only = true;
};

// reference.ParseNormalizedNamed, reduced to what parseCredentialsKey looks at.
Result<NormalizedRef> parse_normalized(std::string_view s) {
  static const std::regex hex64("^[a-f0-9]{64}$");
  std::string in(s);
  if (std::regex_match(in, hex64)) {
    return fail(ErrorKind::invalid_input,
                fmt::format("invalid repository name ({}), cannot specify 64-byte hexadecimal strings", in));
  }
  std::string domain = "docker.io", remainder = in;
  auto slash = in.find('/');
  std::string first = in.substr(0, slash);
  if (slash != std::string::npos &&
      (first.find_first_of(".:") != std::string::npos || first == "localhost" || to_lower(first) != first)) {
    domain = in.substr(0, slash);
    remainder = in.substr(slash + 1);
  }
  if (domain == "index.docker.io") domain = "docker.io";
  if (domain == "docker.io" && remainder.find('/') == std::string::npos) remainder = "library/" + remainder;
  std::string remote = remainder.substr(0, remainder.find(':'));
  if (to_lower(remote) != remote) {
    return fail(ErrorKind::invalid_input, "invalid reference format: repository name must be lowercase");
  }
  std::string full = domain + "/" + remainder;
  std::smatch m;
  if (!std::regex_match(full, m, reference_regex())) return fail(ErrorKind::invalid_input, "invalid reference format");
  std::string name = m[1].str();
  if (name.size() > 255) return fail(ErrorKind::invalid_input, "repository name must not be more than 255 characters");
  return NormalizedRef{domain, full, !m[2].matched && !m[3].matched};
}

// replaceURLByHostPort: url.Parse(arg).Host for http(s):// arguments.
std::string host_of_url(std::string_view arg) {
  std::string_view rest = arg.substr(arg.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  return std::string(rest);
}

} // namespace

Result<LoginKey> parse_login_key(std::string_view arg, bool accept_repositories) {
  std::string key(arg);
  if (starts_with(arg, "https://") || starts_with(arg, "http://")) key = host_of_url(arg);
  std::string registry = key.substr(0, key.find('/'));
  if (!accept_repositories || registry == key) return LoginKey{accept_repositories ? key : registry, registry};
  auto ref = parse_normalized(key);
  if (!ref) return fail(ref.error().wrap(fmt::format("parse reference from {}", go_quote(key))));
  if (!ref->name_only) {
    return fail(ErrorKind::invalid_input, fmt::format("reference {} contains tag or digest", go_quote(ref->text)));
  }
  if (ref->domain != registry) {
    return fail(ErrorKind::internal, fmt::format("internal error: key {} registry mismatch, {} vs. {}", go_quote(key),
                                                 go_quote(ref->text), go_quote(ref->domain)));
  }
  return LoginKey{key, registry};
}

Result<StoreContext> resolve_store_context(const StoreOptions& options) {
  StoreContext ctx{{}, options.credential_helpers};
  std::string docker_default = join_path(home_dir(), ".docker/config.json");
  if (!options.authfile.empty() && !options.compat_authfile.empty()) {
    return fail(ErrorKind::invalid_input, "options for paths to the credential file and to the Docker-compatible "
                                          "credential file can not be set simultaneously");
  }
  if (!options.authfile.empty()) {
    if (options.authfile == docker_default) {
      log::warning("saving credentials to ~/.docker/config.json, but not using Docker-compatible file format");
    }
    ctx.paths.auth_file_path = options.authfile;
  } else if (!options.compat_authfile.empty()) {
    ctx.paths.docker_compat_path = options.compat_authfile;
  } else if (std::string env = env_or_empty("REGISTRY_AUTH_FILE"); !env.empty()) {
    if (env == docker_default) {
      log::warning("$REGISTRY_AUTH_FILE points to ~/.docker/config.json, but the file format is not fully "
                   "compatible; use the Docker-compatible file path option instead");
    }
    ctx.paths.auth_file_path = env;
  } else if (std::string docker = env_or_empty("DOCKER_CONFIG"); !docker.empty()) {
    ctx.paths.docker_compat_path = join_path(docker, "config.json");
  }
  return ctx;
}

Status check_auth_file(std::string_view path) {
  if (path.empty()) return {};
  auto exists = path_exists(std::string(path));
  if (!exists) return fail(exists.error().wrap("credential file is not accessible"));
  return {};
}

} // namespace hoist::auth
