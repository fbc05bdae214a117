// What a sync copies: the source images, grouped as skopeo's repoDescriptors (one group
// per docker/dir SOURCE, one per YAML repository entry), each with the transport context
// its registry needs. Log lines and skip rules are sync.go's (skopeo-compat.md §3.5).
#pragma once

#include <string>
#include <vector>

#include "hoist/reference/image_name.hpp"
#include "hoist/sync/config.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::sync {

enum class SourceKind { docker, dir, yaml, oci };

struct SourceImage {
  reference::ImageName name; // docker://…, dir:…, oci:LAYOUT:REF
  std::string suffix;        // destination name before --scoped (naming.hpp)
};

struct SourceGroup {
  std::vector<SourceImage> images;
  transport::Context ctx;
};

// Every image `source` names for `kind`, with sync.go's errors ("No images to sync found
// in "x"", "Invalid source directory specified: …").
Result<std::vector<SourceGroup>> enumerate_sources(SourceKind kind, const std::string& source,
                                                   const transport::Context& ctx);

// The pieces, for tests.
// Images below a dir: SOURCE, in filepath.WalkDir order (every directory holding a
// manifest.json file, nothing below it).
Result<std::vector<std::string>> walk_image_dirs(const std::string& base);
// The context for one YAML registry: cert-dir always, tls-verify when present, credentials.
transport::Context registry_context(const RegistryConfig& cfg, const transport::Context& cli);
// Tags of `tags` that the regex (unanchored search) / semver constraint selects.
Result<std::vector<std::string>> filter_by_regex(const std::vector<std::string>& tags, const std::string& re);
Result<std::vector<std::string>> filter_by_semver(const std::vector<std::string>& tags, const std::string& constraint);

} // namespace hoist::sync
