// Layer media-type updates and manifest conversions, following c/image's
// manifest/{common,docker_schema2,oci,docker_schema1}.go UpdateLayerInfos and
// internal/image convertToManifest* (see convert.hpp).
#include "hoist/manifest/convert.hpp"

#include <fmt/format.h>

#include "hoist/manifest/config.hpp"
#include "hoist/manifest/jws.hpp"
#include "hoist/manifest/schema1_config.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

// compressionMIMETypeSet: "" = uncompressed variant; value "" = recognized but unsupported.
using VariantSet = std::vector<std::pair<std::string_view, std::string_view>>;

const std::vector<VariantSet>& variant_table(std::string_view manifest_mime) {
  static const std::vector<VariantSet> schema2 = {
      {{"", "application/vnd.docker.image.rootfs.foreign.diff.tar"}, {"gzip", mt::docker_layer_foreign}, {"zstd", ""}},
      {{"", mt::docker_layer}, {"gzip", mt::docker_layer_gzip}, {"zstd", ""}}};
  static const std::vector<VariantSet> oci = {
      {{"", mt::oci_layer_nd}, {"gzip", mt::oci_layer_nd_gzip}, {"zstd", mt::oci_layer_nd_zstd}},
      {{"", mt::oci_layer}, {"gzip", mt::oci_layer_gzip}, {"zstd", mt::oci_layer_zstd}}};
  static const std::vector<VariantSet> schema1 = {{{"", mt::docker_layer_gzip}, {"gzip", mt::docker_layer_gzip}, {"zstd", ""}}};
  if (manifest_mime == mt::oci_manifest) return oci;
  if (is_schema1_type(manifest_mime)) return schema1;
  return schema2;
}

const VariantSet* find_set(const std::vector<VariantSet>& table, std::string_view mime) {
  for (const auto& set : table)
    for (const auto& [name, type] : set)
      if (type == mime) return &set;
  return nullptr;
}

tl::unexpected<Error> incompatible(std::string message) { return fail(ErrorKind::unsupported, std::move(message)); }

// compressionVariantMIMEType.
Result<std::string> variant_type(const std::vector<VariantSet>& table, std::string_view mime,
                                 std::optional<Compression> algorithm) {
  if (mime.empty()) return fail(ErrorKind::invalid_input, "cannot update unknown MIME type");
  const VariantSet* set = find_set(table, mime);
  if (!set) {
    if (algorithm) return fail(ErrorKind::invalid_input, fmt::format("unsupported MIME type for compression: {}", go_quote(mime)));
    return fail(ErrorKind::invalid_input, fmt::format("unsupported MIME type for decompression: {}", go_quote(mime)));
  }
  std::string_view name = algorithm ? compression_base_name(*algorithm) : "";
  for (const auto& [variant, type] : *set) {
    if (variant != name) continue;
    if (!type.empty()) return std::string(type);
    if (!name.empty()) return incompatible(fmt::format("{} compression is not supported for type {}", name, go_quote(mime)));
    return incompatible(fmt::format("uncompressed variant is not supported for type {}", go_quote(mime)));
  }
  if (!name.empty())
    return incompatible(fmt::format("unknown compressed with algorithm {} variant for type {}", name, go_quote(mime)));
  return incompatible(fmt::format("uncompressed variant is not supported for type {}", go_quote(mime)));
}

// updatedMIMEType.
Result<std::string> updated_type(const std::vector<VariantSet>& table, std::string_view mime, const LayerUpdate& u) {
  switch (u.op) {
  case CompressionOp::preserve:
    if (u.algorithm) return variant_type(table, mime, u.algorithm);
    return std::string(mime);
  case CompressionOp::decompress: return variant_type(table, mime, std::nullopt);
  case CompressionOp::compress:
    if (!u.algorithm) return std::string(mime);
    return variant_type(table, mime, u.algorithm);
  }
  return std::string(mime);
}

bool supported_schema2_layer(std::string_view m) {
  return m == mt::docker_list || m == mt::docker_v2s1 || m == mt::docker_v2s1_signed || m == mt::docker_config ||
         m == "application/vnd.docker.image.rootfs.foreign.diff.tar" || m == mt::docker_layer_foreign ||
         m == mt::docker_layer_gzip || m == mt::docker_v2s2 || m == mt::docker_layer ||
         m == "application/vnd.docker.image.rootfs.diff.tar.zstd";
}

Status update_one(const ImageManifest& m, Descriptor& layer, const LayerUpdate& u) {
  std::string original = layer.media_type;
  if (m.media_type == mt::docker_v2s2 && !supported_schema2_layer(original))
    return fail(ErrorKind::invalid_input, fmt::format("Error preparing updated manifest: unknown media type of original layer {}: {}",
                                                      go_quote(u.digest.str()), go_quote(original)));
  if (is_schema1_type(m.media_type)) original = mt::docker_layer_gzip;
  auto type = updated_type(variant_table(m.media_type), original, u);
  if (!type) return fail(type.error().wrap(fmt::format("preparing updated manifest, layer {}", go_quote(u.digest.str()))));
  layer.digest = u.digest;
  if (is_schema1_type(m.media_type)) return {};
  layer.media_type = *type;
  layer.size = u.size;
  layer.urls = u.urls;
  if (m.media_type == mt::oci_manifest) layer.annotations = u.annotations;
  return {};
}

std::string_view oci_type_for_docker(std::string_view t) {
  if (t == "application/vnd.docker.image.rootfs.foreign.diff.tar") return mt::oci_layer_nd;
  if (t == mt::docker_layer_foreign) return mt::oci_layer_nd_gzip;
  if (t == mt::docker_layer) return mt::oci_layer;
  if (t == mt::docker_layer_gzip) return mt::oci_layer_gzip;
  if (t == "application/vnd.docker.image.rootfs.diff.tar.zstd") return mt::oci_layer_zstd;
  return {};
}

Result<ConvertedImage> schema2_to_oci(const ImageManifest& m, const std::string& config_bytes) {
  TRY_ASSIGN(auto oci_config, oci_config_from_docker(config_bytes));
  ImageManifest out;
  out.media_type = mt::oci_manifest;
  out.config = Descriptor{std::string(mt::oci_config), Digest::of(oci_config), static_cast<int64_t>(oci_config.size()), {}, {}, {}, {}, {}};
  for (const auto& l : m.layers) {
    std::string_view t = oci_type_for_docker(l.media_type);
    if (t.empty())
      return fail(ErrorKind::invalid_input, fmt::format("Unknown media type during manifest conversion: {}", go_quote(l.media_type)));
    Descriptor d;
    d.media_type = t;
    d.digest = l.digest;
    d.size = l.size;
    d.urls = l.urls;
    out.layers.push_back(std::move(d));
  }
  return ConvertedImage{std::move(out), {}, std::move(oci_config)};
}

Result<std::string> docker_type_for_oci(std::string_view t) {
  if (t == mt::oci_layer_nd) return std::string("application/vnd.docker.image.rootfs.foreign.diff.tar");
  if (t == mt::oci_layer_nd_gzip) return std::string(mt::docker_layer_foreign);
  if (t == mt::oci_layer) return std::string(mt::docker_layer);
  if (t == mt::oci_layer_gzip) return std::string(mt::docker_layer_gzip);
  if (t == mt::oci_layer_nd_zstd)
    return fail(ErrorKind::unsupported, fmt::format("Error during manifest conversion: {}: zstd compression is not supported for docker images", go_quote(t)));
  if (t == mt::oci_layer_zstd)
    return fail(ErrorKind::unsupported, fmt::format("Error during manifest conversion: {}: zstd compression is not officially supported for docker images", go_quote(t)));
  if (ends_with(t, "+encrypted"))
    return fail(ErrorKind::unsupported, fmt::format("during manifest conversion: encrypted layers ({}) are not supported in docker images", go_quote(t)));
  return fail(ErrorKind::invalid_input, fmt::format("Unknown media type during manifest conversion: {}", go_quote(t)));
}

Status check_image_config(const ImageManifest& m) {
  std::string type = m.artifact_type.empty() ? m.config.value_or(Descriptor{}).media_type : m.artifact_type;
  if (m.config && m.config->media_type == mt::oci_config) return {};
  if (type == mt::docker_config)
    return fail(ErrorKind::unsupported, fmt::format("invalid mixed OCI image with Docker v2s2 config ({})", go_quote(type)));
  return fail(ErrorKind::unsupported, fmt::format("unsupported image-specific operation on artifact with type {}", go_quote(type)));
}

// layerEditsOfOCIOnlyFeatures + convertToManifestSchema2; `edits` become the later edits.
Result<ConvertedImage> oci_to_schema2(const ImageManifest& m, std::optional<std::vector<LayerUpdate>>& edits) {
  TRY(check_image_config(m));
  ImageManifest oci = m;
  if (edits) {
    if (edits->size() != m.layers.size())
      return fail(ErrorKind::invalid_input, fmt::format("preparing to decrypt before conversion: {} layers vs. {} layer edits",
                                                        m.layers.size(), edits->size()));
    for (size_t i = 0; i < m.layers.size(); ++i) {
      const auto& orig = m.layers[i];
      if (orig.media_type != mt::oci_layer_zstd && orig.media_type != mt::oci_layer_nd_zstd) continue;
      LayerUpdate early{orig.digest, orig.size, orig.urls, orig.annotations, (*edits)[i].op, (*edits)[i].algorithm};
      TRY(update_one(oci, oci.layers[i], early));
      (*edits)[i].op = CompressionOp::preserve;
      (*edits)[i].algorithm.reset();
    }
  }
  ImageManifest out;
  out.media_type = mt::docker_v2s2;
  Descriptor config = *oci.config;
  out.config = Descriptor{std::string(mt::docker_config), config.digest, config.size, config.urls, {}, {}, {}, {}};
  for (const auto& l : oci.layers) {
    TRY_ASSIGN(auto t, docker_type_for_oci(l.media_type));
    out.layers.push_back(Descriptor{t, l.digest, l.size, l.urls, {}, {}, {}, {}});
  }
  return ConvertedImage{std::move(out), {}, std::nullopt};
}

// convertToManifestSchema2 of a schema1 manifest; `edits` keep only non-empty layers.
Result<ConvertedImage> schema1_to_schema2(const ImageManifest& m, const ConvertInput& in,
                                          std::optional<std::vector<LayerUpdate>>& edits) {
  if (m.v1_compatibility.empty())
    return fail(ErrorKind::invalid_input, fmt::format("Cannot convert an image with 0 history entries to {}", mt::docker_v2s2));
  if (edits && edits->size() != m.layers.size())
    return fail(ErrorKind::invalid_input, fmt::format("Error converting image: layer edits for {} layers vs {} existing layers",
                                                      edits->size(), m.layers.size()));
  if (in.diff_ids.size() != m.layers.size())
    return fail(ErrorKind::internal, fmt::format("Internal error: collected {} DiffID values, but schema1 manifest has {} fsLayers",
                                                 in.diff_ids.size(), m.layers.size()));
  ImageManifest out;
  out.media_type = mt::docker_v2s2;
  std::vector<std::string> diff_ids;
  std::vector<LayerUpdate> kept;
  for (size_t i = 0; i < m.layers.size(); ++i) {
    if (i < m.empty_layers.size() && m.empty_layers[i]) continue;
    int64_t size = 0;
    if (in.copied_layers.size() == m.layers.size()) size = in.copied_layers[i].size;
    else if (edits) size = (*edits)[i].size;
    out.layers.push_back(Descriptor{std::string(mt::docker_layer_gzip), m.layers[i].digest, size, {}, {}, {}, {}, {}});
    if (edits) kept.push_back((*edits)[i]);
    diff_ids.push_back(in.diff_ids[i].str());
  }
  TRY_ASSIGN(auto config, schema1_to_schema2_config(m, diff_ids));
  out.config = Descriptor{std::string(mt::docker_config), Digest::of(config), static_cast<int64_t>(config.size()), {}, {}, {}, {}, {}};
  if (edits) edits = std::move(kept);
  return ConvertedImage{std::move(out), {}, std::move(config)};
}

Result<ConvertedImage> convert_only(const ImageManifest& m, std::string_view target, const ConvertInput& in,
                                    std::optional<std::vector<LayerUpdate>>& edits) {
  if (target == mt::oci_manifest && m.media_type == mt::docker_v2s2) return schema2_to_oci(m, in.config_bytes);
  if (target == mt::docker_v2s2 && m.media_type == mt::oci_manifest) return oci_to_schema2(m, edits);
  if (is_schema1_type(m.media_type) && (target == mt::docker_v2s2 || target == mt::oci_manifest)) {
    TRY_ASSIGN(auto s2, schema1_to_schema2(m, in, edits));
    if (target == mt::docker_v2s2) return s2;
    TRY_ASSIGN(auto oci, schema2_to_oci(s2.manifest, *s2.config_bytes));
    return oci;
  }
  if (is_schema1_type(target) && m.media_type == mt::docker_v2s2) return schema2_to_schema1(m, in, edits);
  if (is_schema1_type(target) && m.media_type == mt::oci_manifest) {
    TRY_ASSIGN(auto s2, oci_to_schema2(m, edits));
    return schema2_to_schema1(s2.manifest, in, edits);
  }
  return fail(ErrorKind::unsupported, fmt::format("Unsupported conversion type: {}", target));
}

} // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
  case Compression::gzip: return "gzip";
  case Compression::zstd: return "zstd";
  case Compression::zstd_chunked: return "zstd:chunked";
  case Compression::bzip2: return "bzip2";
  case Compression::xz: return "xz";
  }
  return "";
}

std::string_view compression_base_name(Compression c) {
  return c == Compression::zstd_chunked ? "zstd" : compression_name(c);
}

Result<std::string> layer_media_type(std::string_view manifest_mime, std::string_view layer_mime,
                                     std::optional<Compression> algorithm) {
  if (is_schema1_type(manifest_mime)) layer_mime = mt::docker_layer_gzip;
  return variant_type(variant_table(manifest_mime), layer_mime, algorithm);
}

bool can_change_layer_compression(std::string_view manifest_mime, std::string_view layer_mime) {
  if (is_schema1_type(manifest_mime)) return true;
  return !layer_mime.empty() && find_set(variant_table(manifest_mime), layer_mime) != nullptr;
}

Status update_layers(ImageManifest& m, const std::vector<LayerUpdate>& layers) {
  if (layers.size() != m.layers.size())
    return fail(ErrorKind::invalid_input, fmt::format("Error preparing updated manifest: layer count changed from {} to {}",
                                                      m.layers.size(), layers.size()));
  for (size_t i = 0; i < layers.size(); ++i) TRY(update_one(m, m.layers[i], layers[i]));
  return {};
}

Result<ConvertedImage> convert_image(const ImageManifest& m, std::string_view target_mime, const ConvertInput& input) {
  std::optional<std::vector<LayerUpdate>> edits = input.layers;
  bool same = target_mime.empty() || target_mime == m.media_type ||
              (is_schema1_type(target_mime) && is_schema1_type(m.media_type));
  ConvertedImage out;
  if (same) out.manifest = m;
  else { TRY_ASSIGN(out, convert_only(m, target_mime, input, edits)); }
  if (edits) TRY(update_layers(out.manifest, *edits));
  out.bytes = serialize(out.manifest);
  if (is_schema1_type(out.manifest.media_type)) {
    TRY_ASSIGN(out.bytes, add_dummy_v2s1_signature(out.bytes)); // Schema1.Serialize always signs
    out.manifest.media_type = mt::docker_v2s1_signed;
  }
  return out;
}

Result<ManifestList> convert_list(const ManifestList& l, std::string_view target_mime) {
  std::string target = normalize_registry_mime(target_mime);
  if (target == l.media_type) return l;
  if (target != mt::docker_list && target != mt::oci_index)
    return fail(ErrorKind::invalid_input, fmt::format("Can not convert manifest list to MIME type {}, which is not a list type",
                                                      go_quote(target_mime)));
  ManifestList out;
  out.media_type = target;
  PlatformChoice host = detect_host_platform();
  for (const auto& d : l.manifests) {
    Descriptor e{d.media_type, d.digest, d.size, d.urls, {}, {}, {}, {}};
    Platform p = d.platform.value_or(Platform{{}, {}, {}, {}, {}, {}});
    if (target == mt::docker_list && !d.platform) p = Platform{host.architecture, host.os, {}, {}, {}, {}};
    p.features.clear();
    e.platform = std::move(p);
    out.manifests.push_back(std::move(e));
  }
  return out;
}

Status update_instances(ManifestList& l, const std::vector<InstanceUpdate>& instances) {
  std::string_view where = l.media_type == mt::oci_index ? "OCI1Index" : "Schema2List";
  if (instances.size() != l.manifests.size())
    return fail(ErrorKind::internal, fmt::format("incorrect number of update entries passed to {}.UpdateInstances: expected {}, got {}",
                                                 where, l.manifests.size(), instances.size()));
  for (size_t i = 0; i < instances.size(); ++i) {
    const auto& u = instances[i];
    auto& d = l.manifests[i];
    if (u.size < 0)
      return fail(ErrorKind::internal, fmt::format("update {} of {} passed to {}.UpdateInstances had an invalid size ({})",
                                                   i + 1, instances.size(), where, u.size));
    if (u.media_type.empty())
      return fail(ErrorKind::internal, fmt::format("update {} of {} passed to {}.UpdateInstances had no media type (was {})",
                                                   i + 1, instances.size(), where, go_quote(d.media_type)));
    d.digest = u.digest;
    d.size = u.size;
    d.media_type = u.media_type;
    if (l.media_type != mt::oci_index || u.cannot_modify) continue;
    for (auto c : u.compression_algorithms)
      if (compression_base_name(c) == "zstd") d.annotations["io.github.containers.compression.zstd"] = "true";
  }
  return {};
}

} // namespace hoist::manifest
