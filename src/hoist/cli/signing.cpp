// standalone-sign, standalone-verify and the hidden untrusted-signature-dump: the command
// surface and argument checks are skopeo's; GPG signing itself is not implemented yet,
// so after validation these fail with a clear "not implemented" error.
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/local_files.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

Error usage(const char* text) { return Error(ErrorKind::invalid_input, text); }

Status run_standalone_sign(Invocation& inv) {
  if (inv.args.size() != 3 || inv.flags.get_string("output").empty()) {
    return fail(usage("Usage: skopeo standalone-sign manifest docker-reference key-fingerprint -o signature"));
  }
  auto manifest = go_read_file(inv.args[0]);
  if (!manifest) return fail(manifest.error().wrap(fmt::format("Error reading {}", inv.args[0])));
  return fail(not_implemented("GPG signing (standalone-sign)"));
}

Status run_standalone_verify(Invocation& inv) {
  if (inv.args.size() != 4) {
    return fail(usage("Usage: skopeo standalone-verify manifest docker-reference key-fingerprint signature"));
  }
  bool any = inv.args[2] == "any";
  if (inv.flags.get_string("public-key-file").empty() && any) {
    return fail(usage("Cannot use any fingerprint without a public key file"));
  }
  auto manifest = go_read_file(inv.args[0]);
  if (!manifest) return fail(manifest.error().wrap(fmt::format("Error reading manifest from {}", inv.args[0])));
  auto sig = go_read_file(inv.args[3]);
  if (!sig) return fail(sig.error().wrap(fmt::format("Error reading signature from {}", inv.args[3])));
  return fail(not_implemented("GPG signature verification (standalone-verify)"));
}

Status run_untrusted_dump(Invocation& inv) {
  if (inv.args.size() != 1) return fail(usage("Usage: skopeo untrusted-signature-dump-without-verification signature"));
  auto sig = go_read_file(inv.args[0]);
  if (!sig) return fail(sig.error().wrap(fmt::format("Error reading untrusted signature from {}", inv.args[0])));
  return fail(not_implemented("untrusted-signature-dump-without-verification"));
}

} // namespace

CommandSpec standalone_sign_command() {
  CommandSpec c;
  c.name = "standalone-sign";
  c.use = "[command options] MANIFEST DOCKER-REFERENCE KEY-FINGERPRINT --output|-o SIGNATURE";
  c.short_help = "Create a signature using local files";
  c.define_flags = [](FlagSet& fs) {
    fs.add_string("output", 'o', "output the signature to `SIGNATURE`");
    fs.add_string("passphrase-file", 0, "file that contains a passphrase for the --sign-by key");
  };
  c.run = run_standalone_sign;
  return c;
}

CommandSpec standalone_verify_command() {
  CommandSpec c;
  c.name = "standalone-verify";
  c.use = "MANIFEST DOCKER-REFERENCE KEY-FINGERPRINTS SIGNATURE";
  c.short_help = "Verify a signature using local files";
  c.long_help = "Verify a signature using local files\n\nKEY-FINGERPRINTS can be a comma separated list of fingerprints, "
                "or \"any\" if you trust all the keys in the public key file.";
  c.define_flags = [](FlagSet& fs) {
    fs.add_string("public-key-file", 0, "File containing public keys. If not specified, will use local GPG keys.");
  };
  c.run = run_standalone_verify;
  return c;
}

CommandSpec untrusted_signature_dump_command() {
  CommandSpec c;
  c.name = "untrusted-signature-dump-without-verification";
  c.use = "SIGNATURE";
  c.short_help = "Dump contents of a signature WITHOUT VERIFYING IT";
  c.hidden = true;
  c.run = run_untrusted_dump;
  return c;
}

} // namespace hoist::cli
