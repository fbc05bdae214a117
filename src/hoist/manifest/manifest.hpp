// The image model: media types, manifests (Docker schema2 / list, OCI manifest / index,
// Docker schema1 as a source), descriptors and platforms.
// A manifest read from a source is kept as its original bytes; the structs here are a
// parsed view. serialize() is used only when a copy edits or converts a manifest, and
// writes Go encoding/json bytes in the field order of skopeo-compat.md §10, so edited
// manifests have the digests skopeo's would have.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/digest/digest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::manifest {

namespace mt {
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_v2s2 = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_v2s1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_v2s1_signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view oci_layer_nd = "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view oci_layer_nd_gzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view oci_layer_nd_zstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
inline constexpr std::string_view docker_layer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_layer_foreign = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
} // namespace mt

bool is_list_type(std::string_view mime);
bool is_schema1_type(std::string_view mime);
// Content-Type without parameters; "", "application/json", "text/plain" → schema1 signed
// (what c/image does for docker sources).
std::string normalize_registry_mime(std::string_view content_type);
// c/image manifest.GuessMIMEType: from mediaType / schemaVersion / shape of the JSON.
std::string guess_mime_type(std::string_view bytes);
// Digest of a manifest: sha256 of the bytes, of the JWS-stripped payload for schema1.
Result<Digest> manifest_digest(std::string_view bytes);
Result<Digest> manifest_digest(std::string_view bytes, DigestAlgorithm algo);
// The payload libtrust signed: for a JWS-signed schema1 manifest the bytes without the
// "signatures" member (formatLength/formatTail of the protected header); other bytes as is.
Result<std::string> strip_jws(std::string_view bytes);
// True for the six manifest types skopeo handles (single images and lists).
bool is_known_manifest_type(std::string_view mime);
// Does `bytes` match the digest (schema1 compared via manifest_digest)?
Result<bool> matches_digest(std::string_view bytes, const Digest& expected);

struct Platform {
  std::string architecture;
  std::string os;
  std::string os_version;
  std::vector<std::string> os_features;
  std::string variant;
  std::vector<std::string> features; // Docker list only
};

struct Descriptor {
  std::string media_type;
  Digest digest = Digest::of("");
  int64_t size = -1;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
  std::string artifact_type;
  std::string data; // OCI "data", base64 text exactly as read (empty: absent)
};

// A single-image manifest (schema2, OCI; schema1 parsed into layers only).
struct ImageManifest {
  std::string media_type; // the manifest's type (one of mt::*)
  int schema_version = 2;
  bool has_media_type_field = true; // OCI manifests may omit "mediaType"
  std::optional<Descriptor> config; // absent for schema1
  std::vector<Descriptor> layers;   // schema1: base layer first, fsLayers reversed
  std::optional<Descriptor> subject;
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
  // schema1 only
  std::string name, tag, architecture;
  std::vector<std::string> v1_compatibility; // history[].v1Compatibility, base layer first
  std::vector<bool> empty_layers;             // per layer: v1Compatibility "throwaway"
};

struct ManifestList {
  std::string media_type; // mt::docker_list or mt::oci_index
  bool has_media_type_field = true;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::string artifact_type;
  std::map<std::string, std::string> annotations;
};

// Parse the bytes as the given type (mime as returned by a source or guess_mime_type()).
// Errors read as c/image's ("unmarshaling manifest: ...", "unsupported manifest type").
Result<ImageManifest> parse_image(std::string_view bytes, std::string_view mime);
Result<ManifestList> parse_list(std::string_view bytes, std::string_view mime);

// Go encoding/json compact bytes, §10 field order. Schema1 output is the unsigned
// payload (convert_image() in convert.hpp returns the JWS-signed form).
std::string serialize(const ImageManifest& m);
std::string serialize(const ManifestList& l);

// Which platform to pick from a list (§7.9).
struct PlatformChoice {
  std::string os;           // --override-os or host
  std::string architecture; // --override-arch or host (GOARCH names: amd64, arm64, ...)
  std::string variant;      // --override-variant, or host CPU variant unless arch overridden
};
PlatformChoice host_platform(std::string_view override_os, std::string_view override_arch,
                             std::string_view override_variant);
// The instance to copy/inspect; error `no image found in manifest list for architecture …`.
Result<Descriptor> choose_instance(const ManifestList& list, const PlatformChoice& want);
// Variants to accept for `want`, best first (§7.9), "" meaning "no variant".
std::vector<std::string> wanted_variants(const PlatformChoice& want);
// Host OS/arch/variant in GOOS/GOARCH terms (uname + /proc/cpuinfo for arm).
PlatformChoice detect_host_platform();

} // namespace hoist::manifest
