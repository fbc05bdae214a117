#include "hoist/auth/helper.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/auth/go_json_syntax.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

extern char** environ;

namespace hoist::auth {

namespace {

constexpr std::string_view k_not_found = "credentials not found in native keychain";

struct RunResult {
  std::string out;
  std::string error; // Go's exec error text ("exit status 1"); empty on success
};

// Writes `input` to an anonymous in-memory file: the child reads it as stdin, and we
// never block on (or get SIGPIPE from) a pipe the helper does not read.
int input_fd(std::string_view input) {
  int fd = ::memfd_create("hoist-cred-input", MFD_CLOEXEC);
  if (fd < 0) return -1;
  if (::write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()) || ::lseek(fd, 0, SEEK_SET) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string read_fd(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string wait_error(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? "" : fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    std::string sig = ::strsignal(WTERMSIG(status));
    if (!sig.empty()) sig[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(sig[0])));
    return "signal: " + sig;
  }
  return "exit status -1";
}

Result<RunResult> run_helper(std::string_view name, std::string_view action, std::string_view input) {
  std::string program = fmt::format("docker-credential-{}", name);
  int in = input_fd(input);
  int pipe_fds[2];
  if (in < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    if (in >= 0) ::close(in);
    return fail(ErrorKind::io, fmt::format("exec: {}: {}", go_quote(program), std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  std::string action_arg(action);
  char* argv[] = {program.data(), action_arg.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in);
  ::close(pipe_fds[1]);
  if (rc != 0) {
    ::close(pipe_fds[0]);
    if (rc == ENOENT || rc == EACCES) {
      return RunResult{"", fmt::format("exec: {}: executable file not found in $PATH", go_quote(program))};
    }
    return RunResult{"", fmt::format("fork/exec {}: {}", program, std::strerror(rc))};
  }
  RunResult result{read_fd(pipe_fds[0]), ""};
  ::close(pipe_fds[0]);
  result.error = wait_error(pid);
  return result;
}

// Go's json.Decoder.Decode into a struct of strings (case-insensitive field names).
Result<std::map<std::string, std::string>> decode_string_object(const std::string& out) {
  std::string body = trim(out);
  if (body.empty()) return fail(ErrorKind::invalid_input, "EOF");
  if (auto err = go_json_syntax_error(body)) return fail(ErrorKind::invalid_input, *err);
  auto doc = nlohmann::json::parse(body, nullptr, false);
  std::map<std::string, std::string> fields;
  if (!doc.is_object()) return fields;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) fields[to_lower(key)] = value.get<std::string>();
  }
  return fields;
}

Error helper_error(std::string_view what, const RunResult& r) {
  return Error(ErrorKind::unauthorized,
               fmt::format("error {} credentials - err: {}, out: `{}`", what, r.error, trim(r.out)));
}

} // namespace

Result<Credentials> helper_get(std::string_view name, std::string_view server_url) {
  TRY_ASSIGN(auto r, run_helper(name, "get", server_url));
  if (!r.error.empty()) {
    if (trim(r.out) == k_not_found) {
      log::debug(fmt::format("Not logged in to {} with credential helper {}", server_url, name));
      return Credentials{};
    }
    return fail(helper_error("getting", r));
  }
  TRY_ASSIGN(auto fields, decode_string_object(r.out));
  if (fields["username"] == "<token>") return Credentials{"", "", fields["secret"]};
  return Credentials{fields["username"], fields["secret"], ""};
}

Result<std::string> helper_store(std::string_view name, std::string_view server_url, std::string_view username,
                                 std::string_view secret) {
  nlohmann::ordered_json creds = {{"ServerURL", server_url}, {"Username", username}, {"Secret", secret}};
  TRY_ASSIGN(auto r, run_helper(name, "store", go_marshal(creds) + "\n"));
  if (!r.error.empty()) return fail(helper_error("storing", r));
  return fmt::format("credential helper: {}", name);
}

Status helper_erase(std::string_view name, std::string_view server_url) {
  TRY_ASSIGN(auto r, run_helper(name, "erase", server_url));
  if (!r.error.empty()) return fail(helper_error("erasing", r));
  return {};
}

Result<std::map<std::string, std::string>> helper_list(std::string_view name) {
  TRY_ASSIGN(auto r, run_helper(name, "list", "unused"));
  if (!r.error.empty()) return fail(helper_error("listing", r));
  std::string body = trim(r.out);
  if (auto err = go_json_syntax_error(body)) return fail(ErrorKind::invalid_input, *err);
  std::map<std::string, std::string> out;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return out;
  for (const auto& [key, value] : doc.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  return out;
}

} // namespace hoist::auth
