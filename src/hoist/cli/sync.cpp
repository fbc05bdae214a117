// `sync`: flags and validation as skopeo's cmd/skopeo/sync.go; the sync engine is
// wired in once hoist_sync exists, until then a clear failure after validation.
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/policy.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

void define_sync_flags(FlagSet& fs) {
  add_shared_flags(fs);
  add_deprecated_tls_verify_flag(fs);
  add_docker_flags(fs, "src-", "screds");
  add_docker_flags(fs, "dest-", "dcreds");
  add_retry_flags(fs);
  add_copy_shared_flags(fs);
  fs.add_string("src", 's', "SOURCE transport type");
  fs.add_string("dest", 'd', "DESTINATION transport type");
  fs.add_bool("scoped", 0, "Images at DESTINATION are prefix using the full source image path as scope");
  fs.add_string("append-suffix", 0, "String to append to DESTINATION tags");
  fs.add_string("digestfile", 0, "Write the digests and Image References of the resulting images to the specified file, separated by newlines");
  fs.add_bool("all", 'a', "Copy all images if SOURCE-IMAGE is a list");
  fs.add_bool("dry-run", 0, "Run without actually copying data");
  fs.add_bool("keep-going", 0, "Do not abort the sync if any image copy fails");
}

Status validate_transports(const FlagSet& fs) {
  const std::string& src = fs.get_string("src");
  const std::string& dest = fs.get_string("dest");
  if (src.empty()) return fail(ErrorKind::invalid_input, "A source transport must be specified");
  if (src != "docker" && src != "dir" && src != "yaml") {
    return fail(ErrorKind::invalid_input, fmt::format("{} is not a valid source transport", go_quote(src)));
  }
  if (dest.empty()) return fail(ErrorKind::invalid_input, "A destination transport must be specified");
  if (dest != "docker" && dest != "dir") {
    return fail(ErrorKind::invalid_input, fmt::format("{} is not a valid destination transport", go_quote(dest)));
  }
  if (src == "dir" && dest == "dir") {
    return fail(ErrorKind::invalid_input, "sync from 'dir' to 'dir' not implemented, consider using rsync instead");
  }
  return {};
}

Status run_sync(Invocation& inv) {
  if (inv.args.size() != 2) return fail(usage_error(inv, "Exactly two arguments expected"));
  if (inv.flags.changed("tls-verify")) {
    log::warning("'--tls-verify' is deprecated, instead use: --src-tls-verify, --dest-tls-verify");
  }
  TRY_ASSIGN(auto policy, load_trust_policy(inv.globals));
  (void)policy;
  TRY(validate_transports(inv.flags));
  TRY_ASSIGN(auto src_ctx, image_context(inv, "src-", {}));
  TRY_ASSIGN(auto dest_ctx, image_context(inv, "dest-", {}));
  (void)src_ctx;
  (void)dest_ctx;
  return fail(not_implemented("sync"));
}

} // namespace

CommandSpec sync_command() {
  CommandSpec c;
  c.name = "sync";
  c.use = "[command options] --src TRANSPORT --dest TRANSPORT SOURCE DESTINATION";
  c.short_help = "Synchronize one or more images from one location to another";
  c.long_help = "Copy all the images from a SOURCE to a DESTINATION.\n\n"
                "Allowed SOURCE transports (specified with --src): docker, dir, yaml.\n"
                "Allowed DESTINATION transports (specified with --dest): docker, dir.\n\n"
                "See skopeo-sync(1) for details.\n";
  c.example = "{prog} sync --src docker --dest dir --scoped registry.example.com/busybox /media/usb";
  c.define_flags = define_sync_flags;
  c.run = run_sync;
  return c;
}

} // namespace hoist::cli
