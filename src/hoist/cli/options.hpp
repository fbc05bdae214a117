// skopeo's reusable flag groups (cmd/skopeo/utils.go: sharedImageFlags, dockerImageFlags,
// imageFlags, imageDestFlags, retryFlags, sharedCopyFlags) and their mapping onto a
// transport::Context, with skopeo's validation texts ("creds and no-creds cannot be
// specified at the same time", …). Prefixes are "" (inspect, delete, list-tags) or
// "src-"/"dest-" (copy, sync).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/cli/command.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::cli {

// --authfile (default $REGISTRY_AUTH_FILE).
void add_shared_flags(FlagSet& fs);
// Hidden deprecated --tls-verify of copy and sync.
void add_deprecated_tls_verify_flag(FlagSet& fs);
// --[p]creds/username/password/registry-token/cert-dir/tls-verify/no-creds (+ --[p]authfile
// when prefixed, + the hidden alias such as "screds").
void add_docker_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias = "");
// docker flags + --[p]shared-blob-dir, --[p]daemon-host.
void add_image_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias = "");
// image flags + the --dest-* layer/compression flags.
void add_dest_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias = "");
// --retry-times, --retry-delay.
void add_retry_flags(FlagSet& fs);
// --remove-signatures, --sign-by*, --sign-passphrase-file, -f/--format, --preserve-digests.
void add_copy_shared_flags(FlagSet& fs);

// The transport context for one image, from the flags with `prefix` and the globals.
// `has_image_flags`/`has_dest_flags` say which groups the command registered.
struct ContextGroups {
  bool image = false; // add_image_flags was used
  bool dest = false;  // add_dest_flags was used
};
Result<transport::Context> image_context(const Invocation& inv, std::string_view prefix, ContextGroups groups);

// "user[:password]" as skopeo's parseCreds splits it.
struct ParsedCreds {
  std::string username, password;
};
Result<ParsedCreds> parse_creds(std::string_view creds);

// -f/--format value → manifest MIME type (parseManifestFormat); nullopt if not given.
Result<std::optional<std::string>> manifest_format(const FlagSet& fs);

// Refuses a flag hoist does not implement yet: "--<name> is not supported by hoist yet".
Status refuse_if_set(const FlagSet& fs, std::string_view name);

} // namespace hoist::cli
