// The dir: transport (skopeo-compat.md §4.1): one image per directory, blobs named by
// digest, the top-level manifest in manifest.json, list instances in <hex>.manifest.json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/transport/transport.hpp"

namespace hoist::transport::dir {

struct Version {
  int major = 0;
  int minor = 0;
  friend auto operator<=>(const Version&, const Version&) = default;
};
inline constexpr Version k_version_1_1{1, 1};
inline constexpr Version k_version_1_2{1, 2};
inline constexpr Version k_max_version = k_version_1_2;

// "Directory Transport Version: X.Y\n" → X.Y; nullopt unless the text is exactly that form.
std::optional<Version> parse_version(std::string_view text);
// The version file's contents for `v`.
std::string version_text(Version v);

// Reads the image stored in `path` (the path as the user wrote it).
Result<SourcePtr> open_source(const std::string& path);
// Prepares `path` for writing an image; refuses a non-empty directory that is not an image.
Result<DestinationPtr> open_destination(const std::string& path, const Context& ctx);

} // namespace hoist::transport::dir
