#include "hoist/transport/docker_archive/legacy.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "hoist/util/gojson.hpp"

namespace hoist::transport::docker_archive {

namespace {

tl::unexpected<Error> unmarshal_error(std::string message) {
  return fail(Error(ErrorKind::invalid_input, std::move(message)).wrap("unmarshaling config"));
}

constexpr std::array<std::string_view, 7> k_top_layer_attrs = {
    "architecture", "config", "container", "container_config", "created", "docker_version", "os"};

} // namespace

Result<std::map<std::string, std::string>> raw_members(std::string_view json) {
  if (!nlohmann::json::accept(json)) return unmarshal_error("invalid JSON");
  if (nlohmann::json::parse(json).is_null()) return std::map<std::string, std::string>{};
  auto members = raw_object_members(json);
  if (!members) return unmarshal_error("json: cannot unmarshal non-object into Go value of type map[string]*json.RawMessage");
  std::map<std::string, std::string> out;
  for (auto& [key, value] : *members) out[key] = std::move(value); // the last duplicate wins, as in Go
  return out;
}

std::string go_compact(std::string_view raw) { return go_compact_raw(raw); }

Result<std::vector<LegacyLayer>> legacy_layers(const std::vector<Digest>& layer_digests, std::string_view config) {
  std::vector<LegacyLayer> out;
  std::string chain_id;
  for (size_t i = 0; i < layer_digests.size(); ++i) {
    std::map<std::string, std::string> members;
    if (!out.empty()) members["parent"] = go_json_string(out.back().id);
    if (i + 1 == layer_digests.size()) {
      TRY_ASSIGN(auto raw, raw_members(config));
      for (std::string_view attr : k_top_layer_attrs) {
        auto it = raw.find(std::string(attr));
        members[std::string(attr)] = it == raw.end() ? "null" : go_compact(it->second);
      }
    }
    chain_id = i == 0 ? layer_digests[0].str() : Digest::of(chain_id + " " + layer_digests[i].str()).str();
    members["layer_id"] = go_json_string(chain_id);
    std::string id = Digest::of(go_marshal_raw_map(members)).hex();
    members.erase("layer_id");
    members["id"] = go_json_string(id);
    out.push_back(LegacyLayer{id, go_marshal_raw_map(members)});
  }
  return out;
}

} // namespace hoist::transport::docker_archive
