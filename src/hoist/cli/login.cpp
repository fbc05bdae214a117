// `login` and `logout` (common/pkg/auth): flags, argument and option validation and the
// registry key parsing are skopeo's; verifying and storing credentials is wired to the
// auth/registry libraries in wiring.cpp.
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/reference/docker.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

Error invalid(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

// replaceURLByHostPort: "https://host/x" → "host".
std::string strip_url(const std::string& arg) {
  for (const char* scheme : {"https://", "http://"}) {
    if (starts_with(arg, scheme)) {
      std::string rest = arg.substr(std::string_view(scheme).size());
      return rest.substr(0, rest.find_first_of("/?#"));
    }
  }
  return arg;
}

// parseCredentialsKey with AcceptRepositories: ("host/ns/repo", "host").
Result<std::pair<std::string, std::string>> credentials_key(const std::string& arg) {
  std::string key = strip_url(arg);
  std::string registry = key.substr(0, key.find('/'));
  if (registry == key) return std::make_pair(key, registry);
  auto ref = reference::parse_normalized_named(key);
  if (!ref) return fail(ref.error().wrap(fmt::format("parse reference from {}", go_quote(key))));
  if (!ref->name_only()) return fail(invalid(fmt::format("reference {} contains tag or digest", go_quote(ref->str()))));
  if (ref->domain != registry) {
    return fail(invalid(fmt::format("internal error: key {} registry mismatch, {} vs. {}", go_quote(key), go_quote(ref->str()),
                                    go_quote(ref->domain))));
  }
  return std::make_pair(key, registry);
}

Status check_auth_files(const FlagSet& fs) {
  if (!fs.get_string("authfile").empty() && !fs.get_string("compat-auth-file").empty()) {
    return fail(invalid("options for paths to the credential file and to the Docker-compatible credential file can not be set simultaneously"));
  }
  return {};
}

Status run_login(Invocation& inv) {
  TRY(check_auth_files(inv.flags));
  if (inv.args.empty()) return fail(invalid("please provide a registry to log in to"));
  if (inv.args.size() > 1) return fail(invalid("login accepts only one registry to log in to"));
  TRY_ASSIGN(auto key, credentials_key(inv.args[0]));
  LoginRequest req;
  req.key = key.first;
  req.registry = key.second;
  req.authfile = inv.flags.get_string("authfile");
  req.compat_authfile = inv.flags.get_string("compat-auth-file");
  req.cert_dir = inv.flags.get_string("cert-dir");
  req.username = inv.flags.get_string("username");
  req.password = inv.flags.get_string("password");
  req.password_stdin = inv.flags.get_bool("password-stdin");
  req.get_login = inv.flags.get_bool("get-login");
  req.verbose = inv.flags.get_bool("verbose");
  req.tls_verify = inv.flags.optional_bool("tls-verify");
  return perform_login(inv, req);
}

Status run_logout(Invocation& inv) {
  TRY(check_auth_files(inv.flags));
  LoginRequest req;
  req.authfile = inv.flags.get_string("authfile");
  req.compat_authfile = inv.flags.get_string("compat-auth-file");
  req.tls_verify = inv.flags.optional_bool("tls-verify");
  if (inv.flags.get_bool("all")) {
    if (!inv.args.empty()) return fail(invalid("--all takes no arguments"));
    return perform_logout(inv, req, true);
  }
  if (inv.args.empty()) return fail(invalid("please provide a registry to log out from"));
  if (inv.args.size() > 1) return fail(invalid("logout accepts only one registry to log out from"));
  TRY_ASSIGN(auto key, credentials_key(inv.args[0]));
  req.key = key.first;
  req.registry = key.second;
  return perform_logout(inv, req, false);
}

void define_auth_file_flags(FlagSet& fs) {
  fs.add_string("authfile", 0, "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override");
  fs.add_string("compat-auth-file", 0, "path of a Docker-compatible config file to update instead");
}

} // namespace

CommandSpec login_command() {
  CommandSpec c;
  c.name = "login";
  c.use = "[command options] REGISTRY";
  c.short_help = "Login to a container registry";
  c.long_help = "Login to a container registry on a specified server.";
  c.example = "{prog} login quay.io";
  c.define_flags = [](FlagSet& fs) {
    define_auth_file_flags(fs);
    fs.add_string("cert-dir", 0, "use certificates at the specified path to access the registry");
    fs.add_string("password", 'p', "Password for registry");
    fs.add_string("username", 'u', "Username for registry");
    fs.add_bool("password-stdin", 0, "Take the password from stdin");
    fs.add_bool("get-login", 0, "Return the current login user for the registry");
    fs.add_bool("verbose", 'v', "Write more detailed information to stdout");
    fs.add_bool("tls-verify", 0, "require HTTPS and verify certificates when accessing the registry");
  };
  c.run = run_login;
  return c;
}

CommandSpec logout_command() {
  CommandSpec c;
  c.name = "logout";
  c.use = "[command options] REGISTRY";
  c.short_help = "Logout of a container registry";
  c.long_help = "Logout of a container registry on a specified server.";
  c.example = "{prog} logout quay.io";
  c.define_flags = [](FlagSet& fs) {
    define_auth_file_flags(fs);
    fs.add_bool("all", 'a', "Remove the cached credentials for all registries in the auth file");
    fs.add_bool("tls-verify", 0, "require HTTPS and verify certificates when accessing the registry");
  };
  c.run = run_logout;
  return c;
}

} // namespace hoist::cli
