// `skopeo inspect` output (cmd/skopeo/inspect/output.go): field order Name, Tag, Digest,
// RepoTags, Created, DockerVersion, Labels, Architecture, Os, Layers, LayersData, Env,
// printed with json.MarshalIndent(…, "", "    ") and a newline.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/digest/digest.hpp"
#include "hoist/manifest/config.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::manifest {

struct InspectInput {
  std::string name;                   // DockerReference().Name(), "" if none
  std::string tag;                    // schema1 "tag" only
  Digest digest = Digest::of("");     // of the top-level manifest bytes
  std::vector<std::string> repo_tags; // [] unless listed from a registry
  bool repo_tags_nil = false;          // the registry refused tags/list: Go's nil slice (null)
  std::string manifest_type;          // mt::* of the parsed (instance) manifest
  ImageConfig config;                 // schema1: from history[0].v1Compatibility
  std::vector<Descriptor> layers;     // as in the manifest (schema1: base first, size -1)
};

// Fills tag, manifest_type, config and layers from a parsed instance manifest and its
// config blob (ignored for schema1). Errors: config not decodable; OCI artifacts (config
// mediaType not the OCI image config type) rejected as c/image does.
Result<InspectInput> inspect_input(const ImageManifest& m, std::string_view config_bytes);
// The config c/image's OCIConfig() decodes for a schema1 image (inspect --config): the
// synthesized v2s2 config with an empty diff_id per non-empty layer. (--config --raw
// prints nothing for schema1: ConfigBlob is nil.)
Result<std::string> schema1_synthesized_config(const ImageManifest& m);
// The inspect.Output value (for --format templates and inspect_json).
nlohmann::ordered_json inspect_value(const InspectInput& in);
// What `skopeo inspect` prints.
std::string inspect_json(const InspectInput& in);

} // namespace hoist::manifest
