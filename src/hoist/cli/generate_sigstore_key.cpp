// generate-sigstore-key: surface and checks as skopeo's (1.11+); key generation in
// cosign's encrypted format is not implemented yet, so it then fails clearly.
#include <sys/stat.h>

#include <cerrno>

#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/local_files.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

Status ensure_absent(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    return fail(ErrorKind::invalid_input, fmt::format("Refusing to overwrite existing {}", go_quote(path)));
  }
  if (errno == ENOENT) return {};
  return fail(ErrorKind::io, fmt::format("Error checking existence of {}: stat {}: {}", go_quote(path), path, go_errno_text(errno)));
}

Status run_generate(Invocation& inv) {
  const std::string& prefix = inv.flags.get_string("output-prefix");
  if (!inv.args.empty() || prefix.empty()) {
    return fail(ErrorKind::invalid_input, "Usage: generate-sigstore-key --output-prefix PREFIX");
  }
  TRY(ensure_absent(prefix + ".pub"));
  TRY(ensure_absent(prefix + ".private"));
  return fail(not_implemented("sigstore key generation (generate-sigstore-key)"));
}

} // namespace

CommandSpec generate_sigstore_key_command() {
  CommandSpec c;
  c.name = "generate-sigstore-key";
  c.use = "[command options] --output-prefix PREFIX";
  c.short_help = "Generate a sigstore public/private key pair";
  c.example = "{prog} generate-sigstore-key --output-prefix my-key";
  c.define_flags = [](FlagSet& fs) {
    fs.add_string("output-prefix", 0, "Write the keys to `PREFIX`.pub and `PREFIX`.private");
    fs.add_string("passphrase-file", 0, "Read a passphrase for the private key from `PATH`");
  };
  c.run = run_generate;
  return c;
}

} // namespace hoist::cli
