// `manifest-digest FILE`: the digest skopeo would give the manifest in FILE
// (sha256 of the bytes; of the JWS-stripped payload for signed schema1).
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/cli/local_files.hpp"

namespace hoist::cli {

namespace {

Status run_manifest_digest(Invocation& inv) {
  if (inv.args.size() != 1) return fail(Error(ErrorKind::invalid_input, "Usage: skopeo manifest-digest manifest"));
  const std::string& path = inv.args[0];
  auto bytes = go_read_file(path);
  if (!bytes) return fail(ErrorKind::io, fmt::format("Error reading manifest from {}: {}", path, bytes.error().what()));
  auto digest = manifest::manifest_digest(*bytes);
  if (!digest) return fail(ErrorKind::invalid_input, "Error computing digest: " + digest.error().what());
  fmt::print(inv.out, "{}\n", digest->str());
  return {};
}

} // namespace

CommandSpec manifest_digest_command() {
  CommandSpec c;
  c.name = "manifest-digest";
  c.use = "MANIFEST-FILE";
  c.short_help = "Compute a manifest digest of a file";
  c.example = "{prog} manifest-digest manifest.json";
  c.run = run_manifest_digest;
  return c;
}

} // namespace hoist::cli
