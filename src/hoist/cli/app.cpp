// Dispatch the way cobra runs skopeo: the root command parses its flags up to the first
// argument (TraverseChildren), that argument names the subcommand, the subcommand parses
// the rest (its own flags plus the root's persistent ones, interspersed with arguments),
// then the handler runs. Everything that fails ends in report_fatal(): one logrus fatal
// line on stderr and exit code 1, or 2 when the image was not found (skopeo 1.16+).
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/run.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

void define_root_flags(FlagSet& fs, const std::string& prog) {
  fs.add_bool("debug", 0, "enable debug output");
  fs.add_string("tls-details", 0, "path to a containers-tls-details.yaml(5) file");
  fs.add_string("policy", 0, "Path to a trust policy file");
  fs.add_bool("insecure-policy", 0, "run the tool without any policy check");
  fs.add_bool("require-signed", 0, "require any pulled image to be signed");
  fs.add_string("registries.d", 0, "use registry configuration files in `DIR` (e.g. for container signature storage)");
  fs.add_string("override-arch", 0, "use `ARCH` instead of the architecture of the machine for choosing images");
  fs.add_string("override-os", 0, "use `OS` instead of the running OS for choosing images");
  fs.add_string("override-variant", 0, "use `VARIANT` instead of the running architecture variant for choosing images");
  fs.add(FlagType::duration, "command-timeout", 0, "timeout for the command execution");
  fs.add_string("registries-conf", 0, "path to the registries.conf file").hidden = true;
  fs.add_string("tmpdir", 0, "directory used to store temporary files");
  fs.add_string("user-agent-prefix", 0, "prefix to add to the user agent string");
  fs.add_bool("version", 'v', "Version for Skopeo").local_only = true;
  Flag& tls = fs.add_bool("tls-verify", 0, "Require HTTPS and verify certificates when accessing the registry");
  tls.hidden = tls.local_only = true;
  fs.add_bool("help", 'h', "help for " + prog).local_only = true;
}

Globals globals_from(const FlagSet& fs) {
  Globals g;
  g.debug = fs.get_bool("debug");
  g.tls_details = fs.get_string("tls-details");
  g.policy = fs.get_string("policy");
  g.insecure_policy = fs.get_bool("insecure-policy");
  g.require_signed = fs.get_bool("require-signed");
  g.registries_d = fs.get_string("registries.d");
  g.override_arch = fs.get_string("override-arch");
  g.override_os = fs.get_string("override-os");
  g.override_variant = fs.get_string("override-variant");
  g.command_timeout = fs.at("command-timeout").d;
  g.registries_conf = fs.get_string("registries-conf");
  g.tmpdir = fs.get_string("tmpdir");
  g.user_agent_prefix = fs.get_string("user-agent-prefix");
  g.tls_verify = fs.optional_bool("tls-verify");
  return g;
}

std::string program_name(const char* argv0) {
  std::string s = argv0 && *argv0 ? argv0 : "hoist";
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

int exit_code_for(const Error& e) {
  for (const Error* cur = &e; cur; cur = cur->cause()) {
    if (cur->kind() == ErrorKind::manifest_unknown) return 2;
  }
  return 1;
}

int report_fatal(const Error& e) {
  std::fflush(stdout);
  log::write(log::Level::fatal, e.what());
  return exit_code_for(e);
}

void print(std::FILE* f, const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

// Optimal string alignment distance, case-insensitive (cobra's ld(…, true)).
size_t levenshtein(std::string a, std::string b) {
  a = to_lower(a);
  b = to_lower(b);
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t j = 1; j <= b.size(); ++j) {
    for (size_t i = 1; i <= a.size(); ++i) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
    }
  }
  return d[a.size()][b.size()];
}

Error unrecognized_command(const std::string& prog, const std::string& typed) {
  std::vector<std::string> suggestions;
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    if (levenshtein(typed, c.name) <= 2 || starts_with(to_lower(c.name), to_lower(typed))) suggestions.push_back(c.name);
  }
  if (suggestions.empty()) {
    return Error(ErrorKind::invalid_input,
                 fmt::format("Unrecognized command `{0} {1}`\nTry '{0} --help' for more information", prog, typed));
  }
  std::string list;
  for (const auto& s : suggestions) list += (list.empty() ? "" : "\n\t") + s;
  return Error(ErrorKind::invalid_input,
               fmt::format("Unrecognized command `{0} {1}`\n\nDid you mean this?\n\t{2}\n\nTry '{0} --help' for more information",
                           prog, typed, list));
}

const CommandSpec* find_command(const std::string& name) {
  for (const auto& c : command_table()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// `prog help [command]`.
int run_help(const FlagSet& root, const std::string& prog, const std::vector<std::string>& rest) {
  std::vector<std::string> topics;
  for (size_t i = 1; i < rest.size(); ++i) {
    if (!starts_with(rest[i], "-")) topics.push_back(rest[i]);
  }
  if (topics.empty()) return print(stdout, root_help(root, prog)), 0;
  const CommandSpec* cmd = find_command(topics[0]);
  if (!cmd) {
    print(stderr, fmt::format("Unknown help topic [`{}`]\n", topics[0]) + root_help(root, prog, false));
    return 0;
  }
  FlagSet sub(&root);
  if (cmd->define_flags) cmd->define_flags(sub);
  sub.add_bool("help", 'h', "help for " + cmd->name);
  print(stdout, command_help(*cmd, sub, prog));
  return 0;
}

Status check_globals(const Globals& g) {
  if (g.debug) log::set_debug(true);
  if (g.tls_verify) log::warning("'--tls-verify' is deprecated, please set this on the specific subcommand");
  if (g.insecure_policy && g.require_signed) {
    return fail(ErrorKind::invalid_input, "--insecure-policy and --require-signed are mutually exclusive");
  }
  // Accepted by skopeo but backed by features hoist lacks: refused, not ignored.
  const std::pair<const char*, bool> unsupported[] = {{"require-signed", g.require_signed},
                                                      {"tls-details", !g.tls_details.empty()},
                                                      {"registries.d", !g.registries_d.empty()},
                                                      {"registries-conf", !g.registries_conf.empty()}};
  for (const auto& [name, set] : unsupported) {
    if (set) return fail(ErrorKind::unsupported, fmt::format("--{} is not supported by hoist yet", name));
  }
  return {};
}

int run_command(const CommandSpec& cmd, FlagSet& root, const std::string& prog, const std::vector<std::string>& rest) {
  FlagSet sub(&root);
  if (cmd.define_flags) cmd.define_flags(sub);
  sub.add_bool("help", 'h', "help for " + cmd.name);
  auto positional = sub.parse(std::vector<std::string>(rest.begin() + 1, rest.end()));
  if (!positional) return report_fatal(positional.error());
  if (sub.get_bool("help")) return print(stdout, command_help(cmd, sub, prog)), 0;
  Globals globals = globals_from(root);
  if (auto st = check_globals(globals); !st) return report_fatal(st.error());
  Invocation inv{prog, globals, sub, std::move(*positional)};
  Status st = cmd.run(inv);
  std::fflush(stdout);
  if (st) return 0;
  if (inv.show_usage) print(stderr, command_help(cmd, sub, prog));
  return report_fatal(st.error());
}

int run_args(const std::string& prog, const std::vector<std::string>& args) {
  FlagSet root;
  define_root_flags(root, prog);
  auto rest = root.parse(args, true);
  if (!rest) return report_fatal(rest.error());
  if (root.get_bool("help")) return print(stdout, root_help(root, prog)), 0;
  if (!rest->empty() && (*rest)[0] == "--") rest->erase(rest->begin());
  if (rest->empty()) {
    if (root.get_bool("version")) return print(stdout, fmt::format("{} version {}\n", prog, k_version)), 0;
    if (auto st = check_globals(globals_from(root)); !st) return report_fatal(st.error());
    return report_fatal(Error(ErrorKind::invalid_input,
                              fmt::format("Missing command '{0} COMMAND'\nTry '{0} --help' for more information", prog)));
  }
  const std::string& name = (*rest)[0];
  if (name == "help") return run_help(root, prog, *rest);
  const CommandSpec* cmd = find_command(name);
  if (!cmd) return report_fatal(unrecognized_command(prog, name));
  return run_command(*cmd, root, prog, *rest);
}

} // namespace

std::string Globals::user_agent() const {
  std::string ua = fmt::format("hoist/{}", k_version);
  return user_agent_prefix.empty() ? ua : user_agent_prefix + " " + ua;
}

Error usage_error(Invocation& inv, std::string message) {
  inv.show_usage = true;
  return Error(ErrorKind::invalid_input, std::move(message));
}

Error not_implemented(std::string_view what) {
  return Error(ErrorKind::unsupported, fmt::format("{} is not implemented in hoist yet", what));
}

int run(int argc, char** argv) {
  try {
    std::string prog = program_name(argc > 0 ? argv[0] : nullptr);
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    return run_args(prog, args);
  } catch (const std::exception& e) {
    return report_fatal(Error(ErrorKind::internal, e.what()));
  }
}

} // namespace hoist::cli
