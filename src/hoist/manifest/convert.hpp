// Manifest edits the copy engine makes (skopeo-compat.md §7.4–7.6), following c/image's
// UpdateLayerInfos / convertToManifest* / list conversions, so the bytes (and digests)
// equal skopeo's.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/digest/digest.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::manifest {

// Layer compression algorithms as c/image names them (zstd:chunked's base is zstd).
enum class Compression { gzip, zstd, zstd_chunked, bzip2, xz };
std::string_view compression_name(Compression c);      // "gzip", "zstd", "zstd:chunked", …
std::string_view compression_base_name(Compression c); // "gzip", "zstd", "zstd", …

// What the copy did to a layer's bytes (types.LayerCompression).
enum class CompressionOp { preserve, compress, decompress };

// The layer as written to the destination (types.BlobInfo of UpdateLayerInfos).
struct LayerUpdate {
  Digest digest = Digest::of("");
  int64_t size = -1;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations; // OCI only
  CompressionOp op = CompressionOp::preserve;
  // compress: the algorithm used; preserve: set when the blob is known to be in this
  // format (a substituted blob), else nullopt; decompress: ignored.
  std::optional<Compression> algorithm;
};

// The layer media type of `manifest_mime`'s family for `layer_mime` recompressed with
// `algorithm` (nullopt = uncompressed). Errors are c/image's texts, e.g.
// `zstd compression is not supported for type "application/vnd.docker.image.rootfs.diff.tar.gzip"`;
// those have kind unsupported (the copy engine then tries the next manifest type).
Result<std::string> layer_media_type(std::string_view manifest_mime, std::string_view layer_mime,
                                     std::optional<Compression> algorithm);
// Can the copy change this layer's compression in a manifest of this type?
bool can_change_layer_compression(std::string_view manifest_mime, std::string_view layer_mime);
// UpdateLayerInfos: new digests/sizes/urls and media types (by `op`) for every layer.
Status update_layers(ImageManifest& m, const std::vector<LayerUpdate>& layers);

// A converted image: the new manifest, its bytes, and a new config if one was made.
struct ConvertedImage {
  ImageManifest manifest;
  std::string bytes;
  std::optional<std::string> config_bytes; // set when the config blob must be written
  // Schema1 output references gzipped_empty_layer(): the caller must store that blob
  // (c/image uploads it during the conversion).
  bool needs_gzipped_empty_layer = false;
};

// docker/distribution's gzip of an empty tar (1024 zero bytes) and its digest
// (sha256:a3ed95ca…), used for empty layers in schema1 manifests.
std::string_view gzipped_empty_layer();
Digest gzipped_empty_layer_digest();

// Inputs of an image edit besides the manifest.
struct ConvertInput {
  std::string config_bytes;          // the source config (needed for v2s2 → OCI)
  std::vector<Digest> diff_ids;      // schema1 source → v2s2/OCI: uncompressed digests, base
                                     // layer first, one per layer (entries of empty layers unused)
  std::optional<std::vector<LayerUpdate>> layers; // edits (set when layer digests changed)
  // The copied layers even when unchanged (c/image InformationOnly.LayerInfos): schema1 →
  // v2s2/OCI takes the layer sizes from here (else from `layers`, else 0).
  std::vector<LayerUpdate> copied_layers;
  // Schema1 output: "name" = reference.Path of the destination (e.g. "library/busybox"),
  // "tag" = its tag ("" if none).
  std::string schema1_name, schema1_tag;
};

// c/image UpdatedImage: converts `m` (as parsed from the source) to `target_mime`
// ("" or the same type: no conversion) and applies input.layers the way c/image does
// (after conversion, zstd OCI layers before OCI → v2s2). Targets: mt::oci_manifest,
// mt::docker_v2s2, mt::docker_v2s1_signed / mt::docker_v2s1 (both written JWS-signed with
// a throw-away key, as c/image does).
Result<ConvertedImage> convert_image(const ImageManifest& m, std::string_view target_mime,
                                     const ConvertInput& input);

// Docker list ⇄ OCI index (c/image ConvertToMIMEType); same type: unchanged copy.
Result<ManifestList> convert_list(const ManifestList& l, std::string_view target_mime);
// A list instance as the copy wrote it.
struct InstanceUpdate {
  Digest digest = Digest::of("");
  int64_t size = -1;
  std::string media_type;
  // Algorithms used by the instance's layers: zstd adds the OCI index annotation
  // io.github.containers.compression.zstd=true (unless cannot_modify).
  std::vector<Compression> compression_algorithms;
  bool cannot_modify = false;
};
// Replaces the descriptors' digest/size/mediaType in order (UpdateInstances, i.e.
// EditInstances ListOpUpdate); error if the count differs.
Status update_instances(ManifestList& l, const std::vector<InstanceUpdate>& instances);

} // namespace hoist::manifest
