#include "hoist/transport/oci/index.hpp"

#include "hoist/manifest/manifest.hpp"

#include "hoist/util/gojson.hpp"

namespace hoist::transport::oci {

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

std::string get_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  if (!it->is_string()) throw json::type_error::create(302, std::string("field ") + key + " must be a string", nullptr);
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  return it->get<std::vector<std::string>>();
}

std::map<std::string, std::string> get_map(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return {};
  return it->get<std::map<std::string, std::string>>();
}

IndexDescriptor descriptor_from(const json& j) {
  IndexDescriptor d;
  d.media_type = get_string(j, "mediaType");
  d.digest = get_string(j, "digest");
  if (auto it = j.find("size"); it != j.end() && !it->is_null()) d.size = it->get<int64_t>();
  d.urls = get_strings(j, "urls");
  d.annotations = get_map(j, "annotations");
  d.data = get_string(j, "data");
  if (auto it = j.find("platform"); it != j.end() && it->is_object()) {
    IndexPlatform p;
    p.architecture = get_string(*it, "architecture");
    p.os = get_string(*it, "os");
    p.os_version = get_string(*it, "os.version");
    p.os_features = get_strings(*it, "os.features");
    p.variant = get_string(*it, "variant");
    d.platform = p;
  }
  d.artifact_type = get_string(j, "artifactType");
  return d;
}

ojson platform_json(const IndexPlatform& p) {
  ojson o = ojson::object();
  o["architecture"] = p.architecture;
  o["os"] = p.os;
  if (!p.os_version.empty()) o["os.version"] = p.os_version;
  if (!p.os_features.empty()) o["os.features"] = p.os_features;
  if (!p.variant.empty()) o["variant"] = p.variant;
  return o;
}

ojson descriptor_json(const IndexDescriptor& d) {
  ojson o = ojson::object();
  o["mediaType"] = d.media_type;
  o["digest"] = d.digest;
  o["size"] = d.size;
  if (!d.urls.empty()) o["urls"] = d.urls;
  if (!d.annotations.empty()) o["annotations"] = sorted_map_json(d.annotations);
  if (!d.data.empty()) o["data"] = d.data;
  if (d.platform) o["platform"] = platform_json(*d.platform);
  if (!d.artifact_type.empty()) o["artifactType"] = d.artifact_type;
  return o;
}

} // namespace

Result<Index> parse_index(std::string_view bytes) {
  try {
    json j = json::parse(bytes);
    if (!j.is_object()) return fail(ErrorKind::invalid_input, "json: cannot unmarshal into Go value of type v1.Index");
    Index idx;
    if (auto it = j.find("schemaVersion"); it != j.end() && !it->is_null()) idx.schema_version = it->get<int>();
    idx.media_type = get_string(j, "mediaType");
    idx.artifact_type = get_string(j, "artifactType");
    auto m = j.find("manifests");
    idx.manifests_null = m == j.end() || m->is_null();
    if (!idx.manifests_null)
      for (const auto& e : *m) idx.manifests.push_back(descriptor_from(e));
    if (auto it = j.find("subject"); it != j.end() && it->is_object())
      idx.subject = std::make_shared<IndexDescriptor>(descriptor_from(*it));
    idx.annotations = get_map(j, "annotations");
    return idx;
  } catch (const json::exception& e) {
    return fail(ErrorKind::invalid_input, e.what());
  }
}

std::string serialize_index(const Index& idx) {
  ojson o = ojson::object();
  o["schemaVersion"] = idx.schema_version;
  if (!idx.media_type.empty()) o["mediaType"] = idx.media_type;
  if (!idx.artifact_type.empty()) o["artifactType"] = idx.artifact_type;
  if (idx.manifests_null && idx.manifests.empty()) {
    o["manifests"] = nullptr;
  } else {
    o["manifests"] = ojson::array();
    for (const auto& d : idx.manifests) o["manifests"].push_back(descriptor_json(d));
  }
  if (idx.subject) o["subject"] = descriptor_json(*idx.subject);
  if (!idx.annotations.empty()) o["annotations"] = sorted_map_json(idx.annotations);
  return go_marshal(o);
}

Index new_index() {
  Index idx;
  idx.schema_version = 2;
  idx.media_type = "application/vnd.oci.image.index.v1+json";
  idx.manifests_null = true;
  return idx;
}

void add_manifest(Index& index, const IndexDescriptor& desc) {
  std::string name;
  if (auto it = desc.annotations.find(std::string(k_ref_name_annotation)); it != desc.annotations.end()) name = it->second;
  if (!name.empty()) {
    for (auto& m : index.manifests) {
      auto it = m.annotations.find(std::string(k_ref_name_annotation));
      if (it != m.annotations.end() && it->second == name) {
        m.annotations.erase(it);
        break;
      }
    }
  }
  for (auto& m : index.manifests) {
    auto it = m.annotations.find(std::string(k_ref_name_annotation));
    bool unnamed = it == m.annotations.end() || it->second.empty();
    if (m.digest == desc.digest && unnamed) {
      m = desc;
      return;
    }
  }
  index.manifests.push_back(desc);
}

IndexDescriptor manifest_descriptor(const std::string& bytes, const std::string& mime, const std::string& digest,
                                    const std::string& image) {
  IndexDescriptor desc;
  desc.digest = digest;
  desc.size = static_cast<int64_t>(bytes.size());
  if (!image.empty()) desc.annotations[std::string(k_ref_name_annotation)] = image;
  desc.media_type = manifest::guess_mime_type(bytes);
  if (desc.media_type.empty()) desc.media_type = mime;
  return desc;
}

} // namespace hoist::transport::oci
