// The oci: transport (skopeo-compat.md §4.2): an OCI image layout directory with
// index.json, oci-layout and blobs/<alg>/<hex> (or a shared blob directory).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hoist/transport/transport.hpp"

namespace hoist::transport::oci {

// oci:DIR[:IMAGE|:@N] split into its parts.
struct LayoutRef {
  std::string dir;       // as the user wrote it
  std::string image;     // ref.name annotation; "" = none
  int source_index = -1; // @N (sources only); -1 = none
};

// "oci:DIR:IMAGE" / "oci:DIR:@N", as c/image's transports.ImageName prints it.
std::string describe(const LayoutRef& ref);

// What every OCI destination (oci:, oci-archive:) accepts, and why it refuses signatures.
std::vector<std::string> destination_manifest_types();
inline constexpr std::string_view k_signatures_unsupported = "Pushing signatures for OCI images is not supported";

// Opens the image `ref` selects in the layout. Errors: `no descriptor found for reference
// "x"` (ErrorKind::manifest_unknown), `more than one image in oci, choose an image`, ...
Result<SourcePtr> open_source(const LayoutRef& ref, const Context& ctx);
// Opens (creating if needed) the layout for writing; index.json is updated at commit.
Result<DestinationPtr> open_destination(const LayoutRef& ref, const Context& ctx);

} // namespace hoist::transport::oci
