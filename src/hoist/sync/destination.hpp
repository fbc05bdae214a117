// The destination side of a sync: the name each image gets (naming.hpp applied to the
// --dest transport), the cheap "already there" check that lets an unchanged tag be
// skipped without touching the destination (one HEAD for a registry, a local read for
// dir/oci), and per-blob presence probes for the dry-run plan.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hoist/digest/digest.hpp"
#include "hoist/reference/image_name.hpp"
#include "hoist/sync/sources.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::sync {

enum class DestKind { docker, dir, oci };

struct Naming {
  DestKind kind = DestKind::docker;
  std::string destination; // DESTINATION argument
  bool scoped = false;
  std::string append_suffix;
};

// The destination image for `src` (sync.go destinationReference, without its
// "Refusing to overwrite" check and without creating anything).
Result<reference::ImageName> destination_for(const SourceImage& src, const Naming& naming);

// What the destination holds for an image.
class DestinationProbe {
public:
  virtual ~DestinationProbe() = default;
  // Does the destination's image already have exactly the manifest with `digest`?
  virtual bool has_manifest(const Digest& digest) = 0;
  // Does the destination's image hold an OCI manifest with this config and these
  // layers (a converted copy of the same image)? Only layouts answer.
  virtual bool has_same_content(const Digest& config, const std::vector<Digest>& layers) {
    (void)config;
    (void)layers;
    return false;
  }
  // Is this blob already stored where the image goes?
  virtual bool has_blob(const Digest& digest, int64_t size) = 0;
};

std::unique_ptr<DestinationProbe> make_probe(const reference::ImageName& dest, const transport::Context& ctx);

} // namespace hoist::sync
