// The oci-archive: transport (skopeo-compat.md §4.3): a tar of an OCI image layout.
// skopeo untars a source into a temporary directory; hoist indexes the tar and reads
// index.json and blobs/<alg>/<hex> in place (a compressed tar is decompressed to an
// unlinked temporary file first). A destination streams each blob into a temporary
// sibling of PATH as it is copied (skopeo stages an oci: layout under --tmpdir and tars
// it at commit) and renames it over PATH at commit, so PATH holds exactly this one
// image, all or nothing.
#pragma once

#include <string>

#include "hoist/reference/image_name.hpp"
#include "hoist/transport/oci/index.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::transport::oci_archive {

// Errors as c/image's: `creating temp directory: archive file not found: "/abs/path"`,
// `no descriptor found for reference "x"` (ErrorKind::manifest_unknown),
// `more than one image in oci, choose an image`.
Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx);
Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx);

// c/image's getManifestDescriptor for a ref name ("" = the only entry).
// TODO(copy helper): share oci's choose_descriptor instead once it is exported.
Result<oci::IndexDescriptor> choose_descriptor(const oci::Index& index, const std::string& image);

} // namespace hoist::transport::oci_archive
