// Go encoding/json bytes of edited manifests, in the struct-field order of
// skopeo-compat.md §10 (c/image's Schema2 / OCI1 / Schema1 / Schema2List / OCI1Index).
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/gojson.hpp"

namespace hoist::manifest {
namespace {

using json = nlohmann::ordered_json;

json platform_json(const Platform& p, bool docker) {
  json j = json::object();
  j["architecture"] = p.architecture;
  j["os"] = p.os;
  if (!p.os_version.empty()) j["os.version"] = p.os_version;
  if (!p.os_features.empty()) j["os.features"] = string_array_json(p.os_features);
  if (!p.variant.empty()) j["variant"] = p.variant;
  if (docker && !p.features.empty()) j["features"] = string_array_json(p.features);
  return j;
}

json oci_descriptor_json(const Descriptor& d) {
  json j = json::object();
  j["mediaType"] = d.media_type;
  j["digest"] = d.digest.str();
  j["size"] = d.size;
  if (!d.urls.empty()) j["urls"] = string_array_json(d.urls);
  if (!d.annotations.empty()) j["annotations"] = sorted_map_json(d.annotations);
  if (!d.data.empty()) j["data"] = d.data;
  if (d.platform) j["platform"] = platform_json(*d.platform, false);
  if (!d.artifact_type.empty()) j["artifactType"] = d.artifact_type;
  return j;
}

json docker_descriptor_json(const Descriptor& d) {
  json j = json::object();
  j["mediaType"] = d.media_type;
  j["size"] = d.size;
  j["digest"] = d.digest.str();
  if (!d.urls.empty()) j["urls"] = string_array_json(d.urls);
  return j;
}

std::string serialize_schema1(const ImageManifest& m) {
  json j = json::object();
  j["name"] = m.name;
  j["tag"] = m.tag;
  j["architecture"] = m.architecture;
  json fs = json::array(), history = json::array();
  for (size_t k = m.layers.size(); k-- > 0;) {
    fs.push_back(json::object({{"blobSum", m.layers[k].digest.str()}}));
    history.push_back(json::object({{"v1Compatibility", k < m.v1_compatibility.size() ? m.v1_compatibility[k] : ""}}));
  }
  j["fsLayers"] = std::move(fs);
  j["history"] = std::move(history);
  j["schemaVersion"] = 1;
  return go_marshal(j);
}

} // namespace

std::string serialize(const ImageManifest& m) {
  if (is_schema1_type(m.media_type)) return serialize_schema1(m);
  bool oci = m.media_type == mt::oci_manifest;
  json j = json::object();
  j["schemaVersion"] = m.schema_version;
  if (!oci) j["mediaType"] = m.has_media_type_field ? m.media_type : "";
  else if (m.has_media_type_field) j["mediaType"] = m.media_type;
  if (oci && !m.artifact_type.empty()) j["artifactType"] = m.artifact_type;
  Descriptor config = m.config.value_or(Descriptor{});
  j["config"] = oci ? oci_descriptor_json(config) : docker_descriptor_json(config);
  json layers = json::array();
  for (const auto& l : m.layers) layers.push_back(oci ? oci_descriptor_json(l) : docker_descriptor_json(l));
  j["layers"] = std::move(layers);
  if (oci && m.subject) j["subject"] = oci_descriptor_json(*m.subject);
  if (oci && !m.annotations.empty()) j["annotations"] = sorted_map_json(m.annotations);
  return go_marshal(j);
}

std::string serialize(const ManifestList& l) {
  bool oci = l.media_type == mt::oci_index;
  json j = json::object();
  j["schemaVersion"] = 2;
  if (!oci) j["mediaType"] = l.has_media_type_field ? l.media_type : "";
  else if (l.has_media_type_field) j["mediaType"] = l.media_type;
  if (oci && !l.artifact_type.empty()) j["artifactType"] = l.artifact_type;
  json manifests = json::array();
  for (const auto& d : l.manifests) {
    if (oci) {
      manifests.push_back(oci_descriptor_json(d));
      continue;
    }
    json e = docker_descriptor_json(d);
    e["platform"] = platform_json(d.platform.value_or(Platform{}), true);
    manifests.push_back(std::move(e));
  }
  j["manifests"] = std::move(manifests);
  if (oci && l.subject) j["subject"] = oci_descriptor_json(*l.subject);
  if (oci && !l.annotations.empty()) j["annotations"] = sorted_map_json(l.annotations);
  return go_marshal(j);
}

} // namespace hoist::manifest
