// `skopeo inspect` output (cmd/skopeo/inspect.go + c/image's Schema1/Schema2/OCI1
// Inspect): see inspect.hpp.
#include "hoist/manifest/inspect.hpp"

#include <algorithm>

#include "hoist/manifest/schema1_config.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

using json = nlohmann::ordered_json;

// inspect's Created: OCI has *time.Time (null when absent), schema1/2 a time.Time value.
json created_json(const InspectInput& in) {
  if (!in.config.created) return in.manifest_type == mt::oci_manifest ? json(nullptr) : json(go_zero_time);
  auto t = go_time_reformat(*in.config.created);
  return t ? json(*t) : json(*in.config.created);
}

json layers_data(const std::vector<Descriptor>& layers) {
  json out = json::array();
  for (const auto& l : layers) {
    json e = json::object();
    e["MIMEType"] = l.media_type;
    e["Digest"] = l.digest.str();
    e["Size"] = l.size;
    e["Annotations"] = l.annotations.empty() ? json(nullptr) : sorted_map_json(l.annotations);
    out.push_back(std::move(e));
  }
  return out;
}

Status check_created(const ImageConfig& c) {
  if (c.created) TRY(go_time_reformat(*c.created));
  return {};
}

} // namespace

Result<InspectInput> inspect_input(const ImageManifest& m, std::string_view config_bytes) {
  InspectInput in;
  in.manifest_type = m.media_type;
  in.layers = m.layers;
  if (is_schema1_type(m.media_type)) {
    in.tag = m.tag;
    if (m.v1_compatibility.empty()) return fail(ErrorKind::invalid_input, "no FSLayers in manifest");
    TRY_ASSIGN(in.config, parse_config(m.v1_compatibility.back()));
    for (auto& l : in.layers) {
      l.media_type.clear();
      l.size = -1;
    }
  } else {
    if (m.media_type == mt::oci_manifest && (!m.config || m.config->media_type != mt::oci_config)) {
      std::string type = m.artifact_type.empty() ? m.config.value_or(Descriptor{}).media_type : m.artifact_type;
      if (type == mt::docker_config)
        return fail(ErrorKind::unsupported, "invalid mixed OCI image with Docker v2s2 config (" + go_quote(type) + ")");
      return fail(ErrorKind::unsupported, "unsupported image-specific operation on artifact with type " + go_quote(type));
    }
    TRY_ASSIGN(in.config, parse_config(config_bytes));
  }
  TRY(check_created(in.config));
  return in;
}

Result<std::string> schema1_synthesized_config(const ImageManifest& m) {
  size_t non_empty = static_cast<size_t>(std::count(m.empty_layers.begin(), m.empty_layers.end(), false));
  return schema1_to_schema2_config(m, std::vector<std::string>(non_empty));
}

json inspect_value(const InspectInput& in) {
  json j = json::object();
  if (!in.name.empty()) j["Name"] = in.name;
  if (!in.tag.empty()) j["Tag"] = in.tag;
  j["Digest"] = in.digest.str();
  j["RepoTags"] = in.repo_tags_nil ? nlohmann::ordered_json(nullptr) : string_array_json(in.repo_tags);
  j["Created"] = created_json(in);
  j["DockerVersion"] = in.config.docker_version;
  j["Labels"] = in.config.labels ? sorted_map_json(*in.config.labels) : json(nullptr);
  j["Architecture"] = in.config.architecture;
  j["Os"] = in.config.os;
  json layers = json::array();
  for (const auto& l : in.layers) layers.push_back(l.digest.str());
  j["Layers"] = std::move(layers);
  j["LayersData"] = layers_data(in.layers);
  j["Env"] = in.config.env ? string_array_json(*in.config.env) : json(nullptr);
  return j;
}

std::string inspect_json(const InspectInput& in) { return go_marshal_indent(inspect_value(in), "", "    ") + "\n"; }

} // namespace hoist::manifest
