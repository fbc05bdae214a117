// Internal pieces of the copy engine, split by stage: manifest-type planning
// (plan.cpp), layers and config (layers.cpp), one image (single.cpp), lists
// (multiple.cpp). copy.cpp ties them together.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hoist/copy/copy.hpp"

namespace hoist::copy::detail {

// State shared by every image of one copy (c/image's copier).
struct Copier {
  transport::ImageSource& src;
  transport::ImageDestination& dest;
  const CopyOptions& opts;
  Progress& progress;
  size_t parallelism = 1;
  transport::ManifestBytes top; // the source's top-level manifest
};

// determineManifestConversion: the type to try first and the fallbacks.
struct ConversionPlan {
  std::string preferred;
  bool preferred_needs_conversion = false;
  std::vector<std::string> others;
};
struct ConversionInputs {
  std::string src_mime;
  std::vector<std::string> dest_supported;
  std::string forced;
  std::optional<manifest::Compression> requested_compression;
  std::string cannot_modify_reason;
};
Result<ConversionPlan> determine_manifest_conversion(const ConversionInputs& in);
// determineListConversion: the list type to write first, then the others.
Result<std::vector<std::string>> determine_list_conversion(const std::string& current,
                                                           std::vector<std::string> dest_supported,
                                                           const std::string& forced);

// Per-image settings the layer pipeline needs.
struct LayerContext {
  Copier& c;
  std::string src_manifest_mime;
  bool can_modify = true;
  bool diff_ids_needed = false;
  bool require_compression_match = false;
  // Threads per layer compressor: 2 when a single layer is copied, else 1 (the layers
  // already run in parallel, and zstd workers cost several MiB each).
  int compress_threads = 1;
  // The config's rootfs.diff_ids, one per layer (empty when unknown): a layer that is
  // decompressed on the way must decompress to exactly this content.
  std::vector<Digest> config_diff_ids;
};
struct CopiedLayer {
  manifest::LayerUpdate update;
  std::optional<Digest> diff_id;
};
// Copies all layers of `m`, in parallel when allowed; results in layer order.
Result<std::vector<CopiedLayer>> copy_layers(const LayerContext& ctx, const manifest::ImageManifest& m);
// Writes a config blob (bytes already verified or freshly made).
Status copy_config(Copier& c, const manifest::Descriptor& config, const std::string& bytes);

struct SingleResult {
  std::string manifest;
  std::string mime;
  Digest digest = Digest::of("");
  std::vector<manifest::Compression> algorithms;
};
// copySingleImage: `instance` selects a list entry of the source (nullopt = the top
// level); `as_instance` writes the result as a list instance of the destination.
Result<SingleResult> copy_single(Copier& c, const std::optional<Digest>& instance, bool as_instance);
// copyMultipleImages: the instances (--multi-arch all) and the list itself.
Result<SingleResult> copy_multiple(Copier& c);

// Signatures of the top level / an instance unless --remove-signatures; checks that the
// destination can store them.
Result<std::vector<std::string>> source_signatures(Copier& c, const std::optional<Digest>& instance,
                                                   std::string_view getting_msg, std::string_view checking_msg);
// c/image's compression edit implied by a layer media type (compressionEditsFromBlobInfo).
void compression_from_media_type(std::string_view mime, manifest::CompressionOp& op,
                                 std::optional<manifest::Compression>& algo);

} // namespace hoist::copy::detail
