// The docker-archive: transport (skopeo-compat.md §4.4): `docker save` tarballs.
// Sources are read in place through a tar index (compressed archives are decompressed
// to an unlinked temporary file first); the image is presented as the schema2 manifest
// c/image synthesizes. Destinations write skopeo's exact layout and bytes into a
// temporary sibling of PATH renamed over it at commit (a FIFO or device is written
// directly).
#pragma once

#include <string>
#include <vector>

#include "hoist/reference/image_name.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::transport::docker_archive {

// Errors at open: `opening file "PATH": open PATH: …`, manifest.json problems. The image
// is chosen when first used: `Tag "x" not found`, `Unexpected tar manifest.json: …`.
Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx);
// Refuses a non-empty regular file: `docker-archive doesn't support modifying existing
// images`. ctx.additional_tags are added to the image's RepoTags.
Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx);
// `skopeo list-tags docker-archive:PATH`: RepoTags verbatim, "@N" for untagged images.
Result<std::vector<std::string>> list_tags(const reference::ImageName& name, const Context& ctx);

} // namespace hoist::transport::docker_archive
