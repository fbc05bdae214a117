// The legacy ("docker save" v1) metadata skopeo writes into a docker-archive for old
// `docker load` versions: one <layerID>/ directory per layer with VERSION, json and a
// layer.tar symlink. The layer IDs are digests of those json files, so to produce
// skopeo's bytes the json must be built exactly as c/image's writeLegacyMetadataLocked
// does: a Go map (sorted keys) whose top-layer values are the config's raw JSON values
// (json.RawMessage, compacted and HTML-escaped by json.Marshal).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/digest/digest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::transport::docker_archive {

// Go's json.Unmarshal into map[string]*json.RawMessage: each top-level member's raw
// value (last duplicate wins); a JSON null document gives an empty map.
Result<std::map<std::string, std::string>> raw_members(std::string_view json);
// encoding/json's compact with HTML escaping, as json.Marshal applies to a RawMessage.
std::string go_compact(std::string_view raw);

struct LegacyLayer {
  std::string id;   // 64 hex
  std::string json; // contents of <id>/json
};

// The legacy entries for layers with `layer_digests` (bottom first) of an image with
// config `config`. Errors: "unmarshaling config: …".
Result<std::vector<LegacyLayer>> legacy_layers(const std::vector<Digest>& layer_digests, std::string_view config);

} // namespace hoist::transport::docker_archive
