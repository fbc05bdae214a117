// Parsing manifests into the model (c/image Schema2FromManifest, OCI1FromManifest,
// Schema1FromManifest, Schema2ListFromManifest, OCI1IndexFromManifest), keeping the
// checks whose errors users see.
#include <set>

#include <fmt/format.h>

#include "hoist/manifest/decode.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

using detail::json;

Result<Digest> read_digest(const json& obj, std::string_view key, std::string_view where) {
  std::string text;
  TRY(detail::read_string(obj, key, where, text));
  return Digest::parse(text);
}

Result<Platform> parse_platform(const json& j, std::string_view where) {
  Platform p;
  std::optional<std::vector<std::string>> v;
  TRY(detail::read_string(j, "architecture", where, p.architecture));
  TRY(detail::read_string(j, "os", where, p.os));
  TRY(detail::read_string(j, "os.version", where, p.os_version));
  TRY(detail::read_strings(j, "os.features", where, v));
  p.os_features = v.value_or(std::vector<std::string>{});
  TRY(detail::read_string(j, "variant", where, p.variant));
  v.reset();
  TRY(detail::read_strings(j, "features", where, v));
  p.features = v.value_or(std::vector<std::string>{});
  return p;
}

Result<Descriptor> parse_descriptor(const json& j, std::string_view where) {
  TRY(detail::expect_object(&j, "descriptor", where));
  Descriptor d;
  TRY(detail::read_string(j, "mediaType", where, d.media_type));
  TRY_ASSIGN(d.digest, read_digest(j, "digest", where));
  TRY(detail::read_int64(j, "size", where, d.size));
  std::optional<std::vector<std::string>> urls;
  TRY(detail::read_strings(j, "urls", where, urls));
  d.urls = urls.value_or(std::vector<std::string>{});
  std::optional<std::map<std::string, std::string>> ann;
  TRY(detail::read_string_map(j, "annotations", where, ann));
  d.annotations = ann.value_or(std::map<std::string, std::string>{});
  TRY(detail::read_string(j, "data", where, d.data));
  if (const json* p = detail::field(j, "platform")) {
    TRY(detail::expect_object(p, "platform", where));
    TRY_ASSIGN(d.platform, parse_platform(*p, "Platform"));
  }
  TRY(detail::read_string(j, "artifactType", where, d.artifact_type));
  return d;
}

// `where` is the containing Go struct, `elem` the element type (for error texts).
Result<std::vector<Descriptor>> parse_descriptors(const json& j, std::string_view key, std::string_view where,
                                                  std::string_view elem) {
  std::vector<Descriptor> out;
  const json* arr = detail::field(j, key);
  TRY(detail::expect_array(arr, key, where, fmt::format("[]{}", elem)));
  if (!arr) return out;
  for (const auto& e : *arr) {
    TRY_ASSIGN(auto d, parse_descriptor(e, elem.substr(elem.find('.') + 1)));
    out.push_back(std::move(d));
  }
  return out;
}

// Docker descriptors carry only mediaType, size, digest, urls: Go ignores other keys.
void strip_to_docker_fields(Descriptor& d) {
  d.annotations.clear();
  d.data.clear();
  d.platform.reset();
  d.artifact_type.clear();
}

// c/image ValidateUnambiguousManifestFormat.
Status validate_unambiguous(const json& j, std::string_view expected, std::set<std::string_view> allowed) {
  std::vector<std::string> unexpected;
  for (std::string_view f : {"config", "fsLayers", "history", "layers", "manifests"}) {
    if (detail::field(j, f) && !allowed.contains(f)) unexpected.push_back(go_quote(f));
  }
  if (unexpected.empty()) return {};
  std::string list;
  for (size_t i = 0; i < unexpected.size(); ++i) list += (i ? ", " : "") + unexpected[i];
  return fail(ErrorKind::invalid_input, fmt::format("rejecting ambiguous manifest, unexpected fields []string{{{}}} in supposedly {}",
                                                    list, expected));
}

Status supported_schema2_type(std::string_view m) {
  static const std::set<std::string_view> ok = {
      mt::docker_list, mt::docker_v2s1, mt::docker_v2s1_signed, mt::docker_config,
      "application/vnd.docker.image.rootfs.foreign.diff.tar", mt::docker_layer_foreign, mt::docker_layer_gzip,
      mt::docker_v2s2, mt::docker_layer, "application/vnd.docker.image.rootfs.diff.tar.zstd"};
  if (ok.contains(m)) return {};
  return fail(ErrorKind::invalid_input, fmt::format("unsupported docker v2s2 media type: {}", go_quote(m)));
}

Result<json> parse_object(std::string_view bytes) {
  TRY_ASSIGN(auto j, detail::parse_json(bytes));
  if (!j.is_object())
    return fail(ErrorKind::invalid_input, fmt::format("json: cannot unmarshal {} into Go value of type manifest",
                                                      j.is_array() ? "array" : j.is_string() ? "string" : "number"));
  return j;
}

Result<ImageManifest> parse_schema2(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_object(bytes));
  ImageManifest m;
  m.media_type = mt::docker_v2s2;
  std::string declared;
  TRY(detail::read_int(j, "schemaVersion", "Schema2", m.schema_version));
  TRY(detail::read_string(j, "mediaType", "Schema2", declared));
  m.has_media_type_field = !declared.empty();
  const json* config = detail::field(j, "config");
  TRY(detail::expect_object(config, "config", "Schema2"));
  if (config) { TRY_ASSIGN(m.config, parse_descriptor(*config, "Schema2Descriptor")); }
  else m.config = Descriptor{};
  TRY_ASSIGN(m.layers, parse_descriptors(j, "layers", "Schema2", "manifest.Schema2Descriptor"));
  strip_to_docker_fields(*m.config);
  for (auto& l : m.layers) strip_to_docker_fields(l);
  TRY(validate_unambiguous(j, mt::docker_v2s2, {"config", "layers"}));
  TRY(supported_schema2_type(declared));
  for (const auto& l : m.layers) TRY(supported_schema2_type(l.media_type));
  return m;
}

Result<ImageManifest> parse_oci(std::string_view bytes) {
  TRY_ASSIGN(auto j, parse_object(bytes));
  ImageManifest m;
  m.media_type = mt::oci_manifest;
  std::string declared;
  TRY(detail::read_int(j, "schemaVersion", "Manifest", m.schema_version));
  TRY(detail::read_string(j, "mediaType", "Manifest", declared));
  m.has_media_type_field = !declared.empty();
  TRY(detail::read_string(j, "artifactType", "Manifest", m.artifact_type));
  const json* config = detail::field(j, "config");
  TRY(detail::expect_object(config, "config", "Manifest"));
  if (config) { TRY_ASSIGN(m.config, parse_descriptor(*config, "Descriptor")); }
  else m.config = Descriptor{};
  TRY_ASSIGN(m.layers, parse_descriptors(j, "layers", "Manifest", "v1.Descriptor"));
  if (const json* s = detail::field(j, "subject")) { TRY_ASSIGN(m.subject, parse_descriptor(*s, "Descriptor")); }
  std::optional<std::map<std::string, std::string>> ann;
  TRY(detail::read_string_map(j, "annotations", "Manifest", ann));
  m.annotations = ann.value_or(std::map<std::string, std::string>{});
  TRY(validate_unambiguous(j, mt::oci_manifest, {"config", "layers"}));
  return m;
}

bool valid_v1_id(const std::string& id) {
  if (id.size() != 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct V1Compat {
  std::string id, parent;
  bool throwaway = false;
};

// Schema1 initialize() + fixManifestLayers(): vectors are in manifest order (newest first).
Status fix_schema1_layers(std::vector<Digest>& sums, std::vector<std::string>& history, std::vector<V1Compat>& compat) {
  for (const auto& c : compat)
    if (!valid_v1_id(c.id)) return fail(ErrorKind::invalid_input, fmt::format("image ID {} is invalid", go_quote(c.id)));
  if (!compat.back().parent.empty())
    return fail(ErrorKind::invalid_input, "Invalid parent ID in the base layer of the image");
  std::set<std::string> seen;
  std::string last;
  for (const auto& c : compat) {
    if (c.id != last && seen.contains(c.id))
      return fail(ErrorKind::invalid_input, fmt::format("ID {} appears multiple times in manifest", c.id));
    last = c.id;
    seen.insert(last);
  }
  for (size_t k = compat.size() - 1; k-- > 0;) {
    if (compat[k].id == compat[k + 1].id) {
      sums.erase(sums.begin() + static_cast<ptrdiff_t>(k));
      history.erase(history.begin() + static_cast<ptrdiff_t>(k));
      compat.erase(compat.begin() + static_cast<ptrdiff_t>(k));
    } else if (compat[k].parent != compat[k + 1].id) {
      return fail(ErrorKind::invalid_input, fmt::format("Invalid parent ID. Expected {}, got {}", compat[k + 1].id,
                                                        go_quote(compat[k].parent)));
    }
  }
  return {};
}

Result<std::vector<V1Compat>> parse_v1_compat(const std::vector<std::string>& history) {
  std::vector<V1Compat> out;
  for (size_t i = 0; i < history.size(); ++i) {
    auto j = detail::parse_json(history[i]);
    if (j && !j->is_object()) j = fail(ErrorKind::invalid_input, "json: cannot unmarshal into Go value of type manifest.Schema1V1Compatibility");
    if (!j) return fail(ErrorKind::invalid_input, fmt::format("parsing v2s1 history entry {}: {}", i, j.error().what()));
    V1Compat c;
    TRY(detail::read_string(*j, "id", "Schema1V1Compatibility", c.id));
    TRY(detail::read_string(*j, "parent", "Schema1V1Compatibility", c.parent));
    TRY(detail::read_bool(*j, "throwaway", "Schema1V1Compatibility", c.throwaway));
    out.push_back(std::move(c));
  }
  return out;
}

Result<ImageManifest> parse_schema1(std::string_view bytes, std::string_view mime) {
  TRY_ASSIGN(auto j, parse_object(bytes));
  ImageManifest m;
  m.media_type = mime;
  TRY(detail::read_string(j, "name", "Schema1", m.name));
  TRY(detail::read_string(j, "tag", "Schema1", m.tag));
  TRY(detail::read_string(j, "architecture", "Schema1", m.architecture));
  m.schema_version = 0;
  TRY(detail::read_int(j, "schemaVersion", "Schema1", m.schema_version));
  std::vector<Digest> sums;
  std::vector<std::string> history;
  const json* fs = detail::field(j, "fsLayers");
  const json* hist = detail::field(j, "history");
  TRY(detail::expect_array(fs, "fsLayers", "Schema1"));
  TRY(detail::expect_array(hist, "history", "Schema1"));
  for (const auto& e : fs ? *fs : json::array()) { TRY_ASSIGN(auto d, read_digest(e, "blobSum", "Schema1FSLayers")); sums.push_back(d); }
  for (const auto& e : hist ? *hist : json::array()) {
    std::string v;
    TRY(detail::read_string(e, "v1Compatibility", "Schema1History", v));
    history.push_back(std::move(v));
  }
  if (m.schema_version != 1)
    return fail(ErrorKind::invalid_input, fmt::format("unsupported schema version {}", m.schema_version));
  TRY(validate_unambiguous(j, mt::docker_v2s1_signed, {"fsLayers", "history"}));
  if (sums.size() != history.size()) return fail(ErrorKind::invalid_input, "length of history not equal to number of layers");
  if (sums.empty()) return fail(ErrorKind::invalid_input, "no FSLayers in manifest");
  TRY_ASSIGN(auto compat, parse_v1_compat(history));
  TRY(fix_schema1_layers(sums, history, compat));
  for (size_t k = sums.size(); k-- > 0;) {
    Descriptor d;
    d.digest = sums[k];
    m.layers.push_back(std::move(d));
    m.v1_compatibility.push_back(history[k]);
    m.empty_layers.push_back(compat[k].throwaway);
  }
  return m;
}

Result<ManifestList> parse_list_body(std::string_view bytes, bool oci) {
  TRY_ASSIGN(auto j, parse_object(bytes));
  ManifestList l;
  l.media_type = oci ? mt::oci_index : mt::docker_list;
  std::string where = oci ? "OCI1IndexPublic" : "Schema2ListPublic";
  std::string declared;
  TRY(detail::read_string(j, "mediaType", where, declared));
  // OCI1IndexPublicFromManifest pre-sets mediaType, so an edited index always has one.
  l.has_media_type_field = oci || !declared.empty();
  TRY(detail::read_string(j, "artifactType", where, l.artifact_type));
  TRY_ASSIGN(l.manifests, parse_descriptors(j, "manifests", where, oci ? "v1.Descriptor" : "manifest.Schema2ManifestDescriptor"));
  if (oci) {
    if (const json* s = detail::field(j, "subject")) { TRY_ASSIGN(l.subject, parse_descriptor(*s, "Descriptor")); }
    std::optional<std::map<std::string, std::string>> ann;
    TRY(detail::read_string_map(j, "annotations", where, ann));
    l.annotations = ann.value_or(std::map<std::string, std::string>{});
  } else {
    l.artifact_type.clear();
    for (auto& d : l.manifests) {
      auto platform = d.platform.value_or(Platform{});
      strip_to_docker_fields(d);
      d.platform = std::move(platform);
    }
  }
  TRY(validate_unambiguous(j, l.media_type, {"manifests"}));
  return l;
}

} // namespace

Result<ImageManifest> parse_image(std::string_view bytes, std::string_view mime) {
  std::string normalized = normalize_registry_mime(mime);
  if (is_schema1_type(normalized)) return parse_schema1(bytes, normalized);
  if (normalized == mt::oci_manifest) return parse_oci(bytes);
  if (normalized == mt::docker_v2s2) return parse_schema2(bytes);
  return fail(ErrorKind::unsupported, "Treating manifest lists as individual manifests is not implemented");
}

Result<ManifestList> parse_list(std::string_view bytes, std::string_view mime) {
  std::string normalized = normalize_registry_mime(mime);
  if (normalized != mt::docker_list && normalized != mt::oci_index)
    return fail(ErrorKind::unsupported, "Treating single images as manifest lists is not implemented");
  bool oci = normalized == mt::oci_index;
  auto l = parse_list_body(bytes, oci);
  if (!l && l.error().message().rfind("rejecting ambiguous", 0) != 0)
    return fail(l.error().wrap(fmt::format("unmarshaling {} {}", oci ? "OCI1Index" : "Schema2List", go_quote(bytes))));
  return l;
}

} // namespace hoist::manifest
