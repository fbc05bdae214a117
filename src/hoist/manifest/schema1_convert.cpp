// v2s2 → schema1 conversion (c/image internal/image/docker_schema2.go
// convertToManifestSchema1, v1IDFromBlobDigestAndComponents, v1ConfigFromConfigJSON).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "hoist/manifest/config.hpp"
#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/decode.hpp"
#include "hoist/manifest/schema1_config.hpp"
#include "hoist/util/gojson.hpp"

namespace hoist::manifest {
namespace {

using detail::json;

constexpr unsigned char k_empty_layer[] = {31, 139, 8, 0, 0, 9, 110, 136, 0, 255, 98, 24, 5, 163, 96, 20, 140, 88,
                                           0, 8, 0, 0, 255, 255, 46, 175, 181, 239, 0, 4, 0, 0};

struct V2History {
  std::string created = std::string(go_zero_time), author, created_by, comment;
  bool empty_layer = false;
};

Result<std::vector<V2History>> parse_history(const json& config) {
  std::vector<V2History> out;
  const json* h = detail::field(config, "history");
  TRY(detail::expect_array(h, "history", "Schema2Image", "[]manifest.Schema2History"));
  for (const auto& e : h ? *h : json::array()) {
    V2History item;
    if (const json* t = detail::field(e, "created")) {
      if (!t->is_string()) return fail(ErrorKind::invalid_input, "Time.UnmarshalJSON: input is not a JSON string");
      TRY_ASSIGN(item.created, go_time_reformat(t->get<std::string>()));
    }
    TRY(detail::read_string(e, "author", "Schema2History", item.author));
    TRY(detail::read_string(e, "created_by", "Schema2History", item.created_by));
    TRY(detail::read_string(e, "comment", "Schema2History", item.comment));
    TRY(detail::read_bool(e, "empty_layer", "Schema2History", item.empty_layer));
    out.push_back(std::move(item));
  }
  return out;
}

std::string v1_id(const Digest& blob, std::vector<std::string_view> others) {
  std::string parts = blob.hex();
  for (auto o : others) parts += " " + std::string(o);
  return Digest::of(parts).hex();
}

// Schema1V1Compatibility of a non-top entry, Go field order.
std::string fake_v1_compat(const std::string& id, const std::string& parent, const V2History& h) {
  json j = json::object();
  j["id"] = id;
  if (!parent.empty()) j["parent"] = parent;
  if (!h.comment.empty()) j["comment"] = h.comment;
  j["created"] = h.created;
  j["container_config"] = json::object({{"Cmd", json::array({h.created_by})}});
  if (!h.author.empty()) j["author"] = h.author;
  if (h.empty_layer) j["throwaway"] = true;
  return go_marshal(j);
}

// v1ConfigFromConfigJSON: the config minus rootfs/history plus id/parent/throwaway, keys
// sorted. c/image decodes into map[string]*json.RawMessage, so every value keeps its bytes
// as written (escapes such as \u00fc, nested key order), only compacted and HTML-escaped.
Result<std::string> v1_config(std::string_view config_bytes, const std::string& id, const std::string& parent,
                              bool throwaway) {
  auto members = raw_object_members(config_bytes);
  if (!members) return fail(ErrorKind::invalid_input, "json: cannot unmarshal config into map[string]*json.RawMessage");
  std::map<std::string, std::string> raw;
  for (auto& [key, value] : *members)
    if (key != "rootfs" && key != "history") raw[key] = go_compact_raw(value);
  raw["id"] = go_json_string(id);
  if (!parent.empty()) raw["parent"] = go_json_string(parent);
  if (throwaway) raw["throwaway"] = "true";
  return go_marshal_raw_map(raw);
}

} // namespace

std::string_view gzipped_empty_layer() {
  return {reinterpret_cast<const char*>(k_empty_layer), sizeof k_empty_layer};
}

Digest gzipped_empty_layer_digest() { return Digest::of(gzipped_empty_layer()); }

Result<ConvertedImage> schema2_to_schema1(const ImageManifest& m, const ConvertInput& in,
                                          std::optional<std::vector<LayerUpdate>>& edits) {
  if (edits && edits->size() != m.layers.size())
    return fail(ErrorKind::invalid_input, fmt::format("Error converting image: layer edits for {} layers vs {} existing layers",
                                                      edits->size(), m.layers.size()));
  TRY_ASSIGN(auto config, detail::parse_json(in.config_bytes));
  if (!config.is_object()) return fail(ErrorKind::invalid_input, "json: cannot unmarshal into Go value of type manifest.Schema2Image");
  TRY_ASSIGN(auto history, parse_history(config));
  std::string arch;
  TRY(detail::read_string(config, "architecture", "Schema2Image", arch));
  if (history.empty())
    return fail(ErrorKind::invalid_input, fmt::format("Cannot convert an image with 0 history entries to {}", mt::docker_v2s1_signed));
  ConvertedImage out;
  out.manifest.media_type = mt::docker_v2s1_signed;
  out.manifest.schema_version = 1;
  out.manifest.name = in.schema1_name;
  out.manifest.tag = in.schema1_tag;
  out.manifest.architecture = arch;
  std::vector<LayerUpdate> converted;
  std::string parent, id;
  size_t next = 0;
  for (const auto& h : history) { // base first, like our schema1 model
    parent = id;
    Descriptor layer;
    if (h.empty_layer) {
      layer.digest = gzipped_empty_layer_digest();
      layer.size = static_cast<int64_t>(gzipped_empty_layer().size());
      out.needs_gzipped_empty_layer = true;
      if (edits) converted.push_back(LayerUpdate{layer.digest, layer.size, {}, {}, CompressionOp::preserve, std::nullopt});
    } else {
      if (next >= m.layers.size())
        return fail(ErrorKind::invalid_input, fmt::format("Invalid image configuration, needs more than the {} distributed layers", m.layers.size()));
      if (edits) converted.push_back((*edits)[next]);
      layer.digest = m.layers[next++].digest;
    }
    id = v1_id(layer.digest, {parent});
    out.manifest.v1_compatibility.push_back(fake_v1_compat(id, parent, h));
    out.manifest.empty_layers.push_back(h.empty_layer);
    out.manifest.layers.push_back(std::move(layer));
  }
  // The top layer carries the real configuration.
  id = v1_id(out.manifest.layers.back().digest, {parent, in.config_bytes});
  TRY_ASSIGN(out.manifest.v1_compatibility.back(), v1_config(in.config_bytes, id, parent, history.back().empty_layer));
  if (edits) edits = std::move(converted);
  return out;
}

} // namespace hoist::manifest
