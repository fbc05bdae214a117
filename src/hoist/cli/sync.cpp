// `sync`: flags and validation as skopeo's cmd/skopeo/sync.go (same order, same texts),
// then hoist::sync::run. hoist extensions: --jobs N (images copied at once, default 4),
// `oci` as a --src and --dest transport.
#include <algorithm>

#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

#ifdef HOIST_HAVE_SYNC
#include "hoist/manifest/manifest.hpp"
#include "hoist/sync/sync.hpp"
#endif

namespace hoist::cli {

namespace {

constexpr int k_default_jobs = 4;

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
  auto& jobs = fs.add(FlagType::uinteger, "jobs", 0, "Number of images copied at the same time (hoist)");
  jobs.u = k_default_jobs;
  jobs.def_value = std::to_string(k_default_jobs);
}

bool one_of(const std::string& v, std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (v == n) return true;
  return false;
}

Status validate_transports(const FlagSet& fs) {
  const std::string& src = fs.get_string("src");
  const std::string& dest = fs.get_string("dest");
  if (src.empty()) return fail(ErrorKind::invalid_input, "A source transport must be specified");
  if (!one_of(src, {"docker", "dir", "yaml", "oci"}))
    return fail(ErrorKind::invalid_input, fmt::format("{} is not a valid source transport", go_quote(src)));
  if (dest.empty()) return fail(ErrorKind::invalid_input, "A destination transport must be specified");
  if (!one_of(dest, {"docker", "dir", "oci"}))
    return fail(ErrorKind::invalid_input, fmt::format("{} is not a valid destination transport", go_quote(dest)));
  if (src == "dir" && dest == "dir")
    return fail(ErrorKind::invalid_input, "sync from 'dir' to 'dir' not implemented, consider using rsync instead");
  return {};
}

#ifdef HOIST_HAVE_SYNC
sync::SourceKind source_kind(const std::string& s) {
  if (s == "dir") return sync::SourceKind::dir;
  if (s == "yaml") return sync::SourceKind::yaml;
  if (s == "oci") return sync::SourceKind::oci;
  return sync::SourceKind::docker;
}

sync::DestKind dest_kind(const std::string& s) {
  if (s == "dir") return sync::DestKind::dir;
  if (s == "oci") return sync::DestKind::oci;
  return sync::DestKind::docker;
}

Status copy_settings(const Invocation& inv, sync::Options& o) {
  const FlagSet& fs = inv.flags;
  for (const char* f : {"sign-by", "sign-by-sq-fingerprint", "sign-by-sigstore", "sign-by-sigstore-private-key",
                        "sign-passphrase-file"})
    TRY(refuse_if_set(fs, f));
  TRY_ASSIGN(auto format, manifest_format(fs));
  o.copy.force_manifest_type = format.value_or("");
  o.copy.preserve_digests = fs.get_bool("preserve-digests");
  o.copy.remove_signatures = fs.get_bool("remove-signatures");
  const Globals& g = inv.globals;
  o.copy.platform = manifest::host_platform(g.override_os, g.override_arch, g.override_variant);
  if (g.command_timeout.count() > 0) o.copy.deadline = std::chrono::steady_clock::now() + g.command_timeout;
  if (!g.insecure_policy) {
    auto policy = copy::load_policy(g.policy.empty() ? std::nullopt : std::optional<std::string>(g.policy));
    if (!policy) return fail(policy.error().wrap("Error loading trust policy"));
    o.policy = std::move(*policy);
  }
  return {};
}

Result<sync::Options> build_options(Invocation& inv) {
  const FlagSet& fs = inv.flags;
  sync::Options o;
  o.src_kind = source_kind(fs.get_string("src"));
  o.dest_kind = dest_kind(fs.get_string("dest"));
  o.source = inv.args[0];
  o.destination = inv.args[1];
  o.scoped = fs.get_bool("scoped");
  o.all = fs.get_bool("all");
  o.dry_run = fs.get_bool("dry-run");
  o.keep_going = fs.get_bool("keep-going");
  o.append_suffix = fs.get_string("append-suffix");
  o.digestfile = fs.get_string("digestfile");
  if (fs.at("jobs").u < 1) return fail(ErrorKind::invalid_input, "--jobs must be at least 1");
  o.jobs = static_cast<int>(std::min<uint64_t>(fs.at("jobs").u, 256));
  TRY_ASSIGN(o.src_ctx, image_context(inv, "src-", {}));
  TRY_ASSIGN(o.dest_ctx, image_context(inv, "dest-", {}));
  TRY(copy_settings(inv, o));
  o.out = inv.out;
  return o;
}
#endif

Status run_sync(Invocation& inv) {
  if (inv.args.size() != 2) return fail(usage_error(inv, "Exactly two arguments expected"));
  if (inv.flags.changed("tls-verify")) {
    log::warning("'--tls-verify' is deprecated, instead use: --src-tls-verify, --dest-tls-verify");
  }
  TRY(check_trust_policy_loads(inv.globals));
  TRY(validate_transports(inv.flags));
#ifdef HOIST_HAVE_SYNC
  TRY_ASSIGN(auto options, build_options(inv));
  return sync::run(options);
#else
  return fail(not_implemented("sync"));
#endif
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
