// The command table: every subcommand is a CommandSpec (its cobra Use/Short/Long/Example
// texts, a function declaring its flags and a handler). app.cpp dispatches on it, help.cpp
// renders it in cobra's layout; each command lives in its own file.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "hoist/cli/flags.hpp"
#include "hoist/util/result.hpp"

namespace hoist::cli {

inline constexpr const char* k_version = "0.1.0";

// Root (persistent) flags, after parsing.
struct Globals {
  bool debug = false;
  std::string policy;
  bool insecure_policy = false;
  bool require_signed = false;
  std::string registries_d;
  std::string registries_conf;
  std::string tls_details;
  std::string override_arch, override_os, override_variant;
  std::chrono::nanoseconds command_timeout{0};
  std::string tmpdir;
  std::string user_agent_prefix;
  std::optional<bool> tls_verify; // deprecated root --tls-verify

  // "hoist/0.1.0", or "<prefix> hoist/0.1.0" with --user-agent-prefix.
  std::string user_agent() const;
};

struct Invocation {
  std::string prog; // program name as invoked (argv[0] basename)
  const Globals& globals;
  FlagSet& flags;
  std::vector<std::string> args;
  std::FILE* out = stdout;
  bool show_usage = false; // set by usage_error(): the boundary prints help to stderr
};

// An error after which the command's help is printed too (skopeo's errorShouldDisplayUsage).
Error usage_error(Invocation& inv, std::string message);
// The failing path for features whose implementation has not landed yet.
Error not_implemented(std::string_view what);

struct CommandSpec {
  std::string name;
  std::string use; // cobra Use without the leading name, e.g. "[command options] IMAGE-NAME"
  std::string short_help;
  std::string long_help;
  std::string example; // "{prog}" is replaced by the program name
  bool hidden = false;
  bool global_usage = false; // root-style help (not used by subcommands)
  void (*define_flags)(FlagSet&) = nullptr;
  Status (*run)(Invocation&) = nullptr;
};

// The subcommands, in the order cobra lists them (sorted by name).
const std::vector<CommandSpec>& command_table();

// Help texts (help.cpp).
std::string command_help(const CommandSpec& cmd, const FlagSet& flags, const std::string& prog);
std::string root_help(const FlagSet& root_flags, const std::string& prog, bool with_long = true);

// Subcommand constructors (one file each).
CommandSpec copy_command();
CommandSpec delete_command();
CommandSpec generate_sigstore_key_command();
CommandSpec inspect_command();
CommandSpec layers_command();
CommandSpec list_tags_command();
CommandSpec login_command();
CommandSpec logout_command();
CommandSpec manifest_digest_command();
CommandSpec standalone_sign_command();
CommandSpec standalone_verify_command();
CommandSpec sync_command();
CommandSpec untrusted_signature_dump_command();
CommandSpec proxy_command();

} // namespace hoist::cli
