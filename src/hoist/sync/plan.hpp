// The dry-run plan of one image: which platforms would be copied and how many bytes
// would travel versus how many the destination already holds. Reading it opens the
// source (so a missing tag fails here) and only queries the destination.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hoist/manifest/manifest.hpp"
#include "hoist/sync/destination.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::sync {

struct ImagePlan {
  bool up_to_date = false;
  std::vector<std::string> platforms; // "linux/amd64", "linux/arm/v7"
  size_t blobs = 0;
  uint64_t bytes_to_transfer = 0, bytes_present = 0;
};

// `all`: every instance of a list (--all); else the instance for `platform`.
Result<ImagePlan> plan_image(transport::ImageSource& src, DestinationProbe& probe, bool all,
                             const manifest::PlatformChoice& platform);
// "linux/amd64, 4 blobs, 12288 bytes to transfer, 0 bytes already present" / "up to date".
std::string describe(const ImagePlan& plan);

// The digest the destination's manifest has after a copy that converts nothing: the
// source's top level, or for a list without --all the chosen instance.
Result<Digest> expected_digest(transport::ImageSource& src, bool all, const manifest::PlatformChoice& platform);

} // namespace hoist::sync
