// The destination side of a sync: the name each image gets (naming.hpp applied to the
// --dest transport), the cheap "already there" check that lets an unchanged tag be
// skipped without touching the destination (one HEAD for a registry, a local read for
// dir/oci), and per-blob presence probes for the dry-run plan.
#pragma once

#include <nlohmann/json_fwd.hpp>

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
  // Was the destination's current image copied from the source manifest `source`
  // (a converted copy, recorded by a previous sync)? Only layouts answer.
  virtual bool copied_from(const Digest& source) {
    (void)source;
    return false;
  }
  // Is this blob already stored where the image goes?
  virtual bool has_blob(const Digest& digest, int64_t size) = 0;
};

// A layout converts Docker images to OCI, so their digests change. After each copy into
// a layout, sync records ref → source manifest digest in LAYOUT/hoist-sync.json (written
// atomically; callers serialize), so a later run can still skip the unchanged image.
Status record_oci_source(const reference::ImageName& dest, const Digest& source);
// LAYOUT/hoist-sync.json and its contents ({} when absent or unreadable).
std::string state_path(const std::string& layout);
nlohmann::json read_state(const std::string& layout);

std::unique_ptr<DestinationProbe> make_probe(const reference::ImageName& dest, const transport::Context& ctx);

} // namespace hoist::sync
