// Keeping Docker-format manifests verbatim beside their OCI conversion in a `sync --dest oci`
// layout, so `sync --src oci` can push the original digests again (see oci_originals.cpp).
#pragma once

#include "hoist/reference/image_name.hpp"
#include "hoist/transport/transport.hpp"
#include "hoist/util/result.hpp"

namespace hoist::sync {

// After `src` was copied into the layout image `dest`: for a Docker v2s2 image (or a Docker
// list copied with --all) stores the source manifests and configs as blobs and records
// the top digest as "original" in hoist-sync.json. Nothing for OCI sources (same digests).
Status keep_original_manifests(transport::ImageSource& src, const reference::ImageName& dest, bool all);

// For an oci: source image with a recorded original, a source serving those manifests
// (blobs from the layout); otherwise `src` itself.
transport::SourcePtr with_original_manifests(transport::SourcePtr src, const reference::ImageName& name);

} // namespace hoist::sync
