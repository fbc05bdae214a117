// `copy SRC DST`: skopeo's cmd/skopeo/copy.go — every flag, its validation in skopeo's
// order and with skopeo's texts, then the copy engine. Features hoist does not have yet
// (signing, encryption, docker-daemon) are refused, never ignored.
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/local_files.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

void define_copy_flags(FlagSet& fs) {
  add_shared_flags(fs);
  add_deprecated_tls_verify_flag(fs);
  add_image_flags(fs, "src-", "screds");
  add_dest_flags(fs, "dest-", "dcreds");
  add_retry_flags(fs);
  add_copy_shared_flags(fs);
  fs.add(FlagType::string_slice, "additional-tag", 0, "additional tags (supports docker-archive)");
  fs.add_bool("quiet", 'q', "Suppress output information when copying images");
  fs.add_bool("all", 'a', "Copy all images if SOURCE-IMAGE is a list");
  fs.add_string("multi-arch", 0, "How to handle multi-architecture images (system, all, or index-only)");
  fs.add_string("sign-identity", 0, "Identity of signed image, must be a fully specified docker reference. Defaults to the target docker reference.");
  fs.add_string("digestfile", 0, "Write the digest of the pushed image to the specified file");
  fs.add(FlagType::string_slice, "encryption-key", 0,
         "*Experimental* key with the encryption protocol to use needed to encrypt the image (e.g. jwe:/path/to/key.pem)");
  fs.add(FlagType::int_slice, "encrypt-layer", 0,
         "*Experimental* the 0-indexed layer indices, with support for negative indexing (e.g. 0 is the first layer, -1 is the last layer)");
  fs.add(FlagType::string_slice, "decryption-key", 0, "*Experimental* key needed to decrypt the image");
  fs.add(FlagType::uinteger, "image-parallel-copies", 0,
         "Maximum number of image layers to be copied (pulled/pushed) simultaneously. Not setting this field will fall back to containers/image defaults.");
}

Error invalid(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

Status check_additional_tags(const FlagSet& fs, transport::Context& dest_ctx) {
  for (const auto& tag : fs.at("additional-tag").strings) {
    auto ref = reference::parse_normalized_named(tag);
    if (!ref) return fail(invalid(fmt::format("error parsing additional-tag '{}': {}", tag, ref.error().what())));
    if (ref->tag.empty()) return fail(invalid(fmt::format("additional-tag '{}' must be a tagged reference", tag)));
    dest_ctx.additional_tags.push_back(ref->str());
  }
  return {};
}

// --all / --multi-arch → "system" | "all" | "index-only".
Result<std::string> multi_arch_choice(const FlagSet& fs) {
  auto multi = fs.optional_string("multi-arch");
  if (multi && fs.get_bool("all")) return fail(invalid("Cannot use --all and --multi-arch flags together"));
  if (fs.get_bool("all")) return std::string("all");
  if (!multi) return std::string("system");
  if (*multi != "system" && *multi != "all" && *multi != "index-only") {
    return fail(invalid(fmt::format("unknown multi-arch option {}. Choose one of the supported options: 'system', 'all', or 'index-only'",
                                    go_quote(*multi))));
  }
  return *multi;
}

Status check_encryption(const FlagSet& fs) {
  bool enc = !fs.at("encryption-key").strings.empty();
  bool dec = !fs.at("decryption-key").strings.empty();
  if (enc && dec) return fail(invalid("--encryption-key and --decryption-key cannot be specified together"));
  if (!fs.at("encrypt-layer").ints.empty() && !enc) return fail(invalid("--encrypt-layer can only be used with --encryption-key"));
  TRY(refuse_if_set(fs, "encryption-key"));
  return refuse_if_set(fs, "decryption-key");
}

// reference.ParseNamed: the normalized form must be what was written.
Status check_sign_identity(const FlagSet& fs) {
  const std::string& id = fs.get_string("sign-identity");
  if (id.empty()) return {};
  auto ref = reference::parse_normalized_named(id);
  if (!ref) return fail(invalid("Could not parse --sign-identity: " + ref.error().what()));
  if (ref->str() != id) return fail(invalid("Could not parse --sign-identity: repository name must be canonical"));
  return {}; // only used when signing, which check_signing refuses

}

// sharedCopyOptions.copyOptions: passphrase/signer checks, then --format.
Status check_signing(const FlagSet& fs) {
  if (!fs.get_string("sign-passphrase-file").empty()) {
    int count = !fs.get_string("sign-by").empty() + !fs.get_string("sign-by-sq-fingerprint").empty() +
                !fs.get_string("sign-by-sigstore-private-key").empty();
    if (count > 1) {
      return fail(invalid("Only one of --sign-by, --sign-by-sq-fingerprint and --sign-by-sigstore-private-key can be used with --sign-passphrase-file"));
    }
  }
  for (const char* f : {"sign-by", "sign-by-sq-fingerprint", "sign-by-sigstore", "sign-by-sigstore-private-key", "sign-passphrase-file"}) {
    TRY(refuse_if_set(fs, f));
  }
  return {};
}

void warn_ineffective(const FlagSet& fs, const reference::ImageName& dest) {
  if (dest.transport == reference::Transport::dir) return;
  if (fs.get_bool("dest-compress")) log::warning("--dest-compress can only be used if the destination transport is 'dir'");
  if (fs.get_bool("dest-decompress")) log::warning("--dest-decompress can only be used if the destination transport is 'dir'");
}

Result<CopyRequest> build_request(Invocation& inv) {
  const FlagSet& fs = inv.flags;
  CopyRequest req;
  auto src = reference::parse_image_name(inv.args[0]);
  if (!src) return fail(src.error().wrap(fmt::format("Invalid source name {}", inv.args[0])));
  auto dest = reference::parse_image_name(inv.args[1]);
  if (!dest) return fail(dest.error().wrap(fmt::format("Invalid destination name {}", inv.args[1])));
  req.src = std::move(*src);
  req.dest = std::move(*dest);
  TRY_ASSIGN(req.src_ctx, image_context(inv, "src-", {true, false}));
  TRY_ASSIGN(req.dest_ctx, image_context(inv, "dest-", {true, true}));
  TRY(check_additional_tags(fs, req.dest_ctx));
  req.quiet = fs.get_bool("quiet");
  TRY_ASSIGN(req.multi_arch, multi_arch_choice(fs));
  TRY(check_encryption(fs));
  TRY(check_sign_identity(fs));
  warn_ineffective(fs, req.dest);
  TRY(check_signing(fs));
  TRY_ASSIGN(auto format, manifest_format(fs));
  req.force_manifest_type = format.value_or("");
  req.preserve_digests = fs.get_bool("preserve-digests");
  req.remove_signatures = fs.get_bool("remove-signatures");
  req.parallel_copies = static_cast<int>(fs.at("image-parallel-copies").u);
  req.compress_format = fs.get_string("dest-compress-format");
  if (fs.changed("dest-compress-level")) req.compress_level = static_cast<int>(fs.at("dest-compress-level").i);
  req.force_compress_format = fs.get_bool("dest-force-compress-format");
  req.precompute_digests = fs.get_bool("dest-precompute-digests");
  return req;
}

Status run_copy(Invocation& inv) {
  if (inv.args.size() != 2) return fail(usage_error(inv, "Exactly two arguments expected"));
  if (inv.flags.changed("tls-verify")) {
    log::warning("'--tls-verify' is deprecated, instead use: --src-tls-verify, --dest-tls-verify");
  }
  TRY(check_trust_policy_loads(inv.globals));
  TRY_ASSIGN(auto req, build_request(inv));
  TRY(refuse_if_set(inv.flags, "dest-precompute-digests"));
  TRY_ASSIGN(auto digest, perform_copy(inv, req));
  const std::string& digestfile = inv.flags.get_string("digestfile");
  if (!digestfile.empty()) {
    if (auto st = go_write_file(digestfile, digest); !st) {
      return fail(st.error().wrap(fmt::format("Failed to write digest to file {}", go_quote(digestfile))));
    }
  }
  return {};
}

} // namespace

CommandSpec copy_command() {
  CommandSpec c;
  c.name = "copy";
  c.use = "[command options] SOURCE-IMAGE DESTINATION-IMAGE";
  c.short_help = "Copy an IMAGE-NAME from one location to another";
  c.long_help = fmt::format("Container \"IMAGE-NAME\" uses a \"transport\":\"details\" format.\n\nSupported transports:\n{}\n\n"
                            "See skopeo(1) section \"IMAGE NAMES\" for the expected format\n",
                            k_transport_list);
  c.example = "{prog} copy docker://quay.io/skopeo/stable:latest docker://registry.example.com/skopeo:latest";
  c.define_flags = define_copy_flags;
  c.run = run_copy;
  return c;
}

} // namespace hoist::cli
