// login/logout after argument parsing (common/pkg/auth Login/Logout): existing
// credentials, --get-login, prompts (echo off on a terminal), the /v2/ check, and writing
// the primary auth file (MarshalIndent with tabs, 0600, atomic). stdout texts are
// skopeo's ("Login Succeeded!", "Used:  <path>", "Removed login credentials for …").
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "hoist/cli/local_files.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/util/strings.hpp"

#if defined(HOIST_HAVE_AUTH) && defined(HOIST_HAVE_REGISTRY)
#include "hoist/auth/auth_file.hpp"
#include "hoist/auth/credentials.hpp"
#include "hoist/auth/paths.hpp"
#include "hoist/auth/store.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/util/fs.hpp"
#define HOIST_LOGIN 1
#endif

namespace hoist::cli {

#ifdef HOIST_LOGIN
namespace {

// systemContextWithOptions: which file (and credential helpers) login/logout use.
Result<auth::StoreContext> store_context(const LoginRequest& req) {
  return auth::resolve_store_context(auth::StoreOptions{req.authfile, req.compat_authfile, {}});
}

// GetCredentials(key) as login sees it: auth files and credential helpers.
Result<auth::Credentials> existing_credentials(const LoginRequest& req) {
  TRY_ASSIGN(auto ctx, store_context(req));
  TRY_ASSIGN(auto found, auth::stored_for_key(ctx, req.key));
  return found.value_or(auth::Credentials{});
}

Status check(const LoginRequest& req, const Globals& g, const std::string& user, const std::string& pass) {
  registry::HostConfig host;
  host.registry = req.registry;
  host.tls.verify = req.tls_verify.value_or(g.tls_verify.value_or(true));
  host.tls.cert_dir = !req.cert_dir.empty() ? req.cert_dir : registry::default_cert_dir(req.registry);
  host.user_agent = g.user_agent();
  registry::Session session;
  return registry::check_login(host, auth::Credentials{user, pass, ""}, session);
}

std::string read_line(bool echo) {
  bool tty = ::isatty(STDIN_FILENO) == 1;
  termios old{};
  if (tty && !echo && ::tcgetattr(STDIN_FILENO, &old) == 0) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty && !echo) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// SetCredentials: a credHelpers entry for the key sends the secret to that helper;
// otherwise it lands in the auth file (0600, atomic), unknown keys of a Docker file kept.
Status store(const Invocation& inv, const LoginRequest& req, const std::string& user, const std::string& pass) {
  TRY_ASSIGN(auto ctx, store_context(req));
  TRY_ASSIGN(auto used, auth::store_login(ctx, req.key, user, pass));
  if (req.verbose) fmt::print(inv.out, "Used:  {}\n", used);
  return {};
}

} // namespace

Status perform_login(const Invocation& inv, const LoginRequest& req) {
  TRY_ASSIGN(auto existing, existing_credentials(req));
  if (req.get_login) {
    if (existing.username.empty()) return fail(ErrorKind::not_found, fmt::format("not logged into {}", req.key));
    fmt::print(inv.out, "{}\n", existing.username);
    return {};
  }
  if (!existing.identity_token.empty()) {
    return fail(ErrorKind::invalid_input, "currently logged in, auth file contains an Identity token");
  }
  std::string password = req.password;
  if (req.password_stdin) {
    if (!req.password.empty()) return fail(ErrorKind::invalid_input, "can't specify both --password-stdin and --password");
    if (req.username.empty()) return fail(ErrorKind::invalid_input, "must provide --username with --password-stdin");
    for (std::string line; std::getline(std::cin, line);) password += line;
  }
  if (req.username.empty() && password.empty() && !existing.username.empty() && !existing.password.empty()) {
    fmt::print(inv.out, "Authenticating with existing credentials for {}\n", req.key);
    std::fflush(inv.out);
    if (check(req, inv.globals, existing.username, existing.password)) {
      fmt::print(inv.out, "Existing credentials are valid. Already logged in to {}\n", req.registry);
      return {};
    }
    fmt::print(inv.out, "Existing credentials are invalid, please enter valid username and password\n");
  }
  std::string user = req.username;
  if (user.empty()) {
    fmt::print(inv.out, "{}", existing.username.empty() ? "Username: " : fmt::format("Username ({}): ", existing.username));
    std::fflush(inv.out);
    user = trim(read_line(true));
    if (user.empty()) user = existing.username;
  }
  if (password.empty()) {
    fmt::print(inv.out, "Password: ");
    std::fflush(inv.out);
    password = read_line(false);
    fmt::print(inv.out, "\n");
  }
  auto checked = check(req, inv.globals, user, password);
  if (!checked) {
    if (checked.error().kind() == ErrorKind::unauthorized) {
      return fail(ErrorKind::unauthorized, fmt::format("logging into {}: invalid username/password", go_quote(req.key)));
    }
    return fail(checked.error().wrap(fmt::format("authenticating creds for {}", go_quote(req.key))));
  }
  TRY(store(inv, req, user, password));
  fmt::print(inv.out, "Login Succeeded!\n");
  return {};
}

Status perform_logout(const Invocation& inv, const LoginRequest& req, bool all) {
  // skopeo's --authfile defaults to $REGISTRY_AUTH_FILE, so a missing file named there is refused too.
  const char* env_file = std::getenv("REGISTRY_AUTH_FILE");
  std::string authfile = req.authfile;
  if (authfile.empty() && req.compat_authfile.empty() && env_file != nullptr) authfile = env_file;
  TRY(auth::check_auth_file(authfile));
  TRY(auth::check_auth_file(req.compat_authfile));
  TRY_ASSIGN(auto ctx, store_context(req));
  if (all) {
    TRY(auth::remove_all(ctx));
    fmt::print(inv.out, "Removed login credentials for all registries\n");
    return {};
  }
  TRY_ASSIGN(bool removed, auth::remove_login(ctx, req.key));
  if (removed) {
    fmt::print(inv.out, "Removed login credentials for {}\n", req.key);
    return {};
  }
  TRY_ASSIGN(auto existing, existing_credentials(req));
  if (!existing.username.empty() && !existing.password.empty() && check(req, inv.globals, existing.username, existing.password)) {
    fmt::print(inv.out,
               "Not logged into {} with current tool. Existing credentials were established via docker login. Please use docker logout instead.\n",
               req.key);
    return {};
  }
  return fail(ErrorKind::not_found, fmt::format("not logged into {}", req.key));
}

#else

Status perform_login(const Invocation&, const LoginRequest&) { return fail(not_implemented("login")); }
Status perform_logout(const Invocation&, const LoginRequest&, bool) { return fail(not_implemented("logout")); }

#endif

} // namespace hoist::cli
