// Schema1 → schema2 config synthesis (c/image Schema1.ToSchema2Config).
#include "hoist/manifest/schema1_config.hpp"

#include <algorithm>

#include "hoist/manifest/config.hpp"
#include "hoist/manifest/decode.hpp"
#include "hoist/util/gojson.hpp"

namespace hoist::manifest {
namespace {

using detail::json;

// One Schema2History entry from a v1Compatibility (Schema1V1Compatibility) object.
Result<json> history_item(const std::string& v1compat) {
  TRY_ASSIGN(auto j, detail::parse_json(v1compat));
  std::string created(go_zero_time), author, comment;
  bool throwaway = false;
  if (const json* t = detail::field(j, "created")) {
    if (!t->is_string()) return fail(ErrorKind::invalid_input, "Time.UnmarshalJSON: input is not a JSON string");
    TRY_ASSIGN(created, go_time_reformat(t->get<std::string>()));
  }
  TRY(detail::read_string(j, "author", "Schema1V1Compatibility", author));
  TRY(detail::read_string(j, "comment", "Schema1V1Compatibility", comment));
  TRY(detail::read_bool(j, "throwaway", "Schema1V1Compatibility", throwaway));
  std::optional<std::vector<std::string>> cmd;
  if (const json* cc = detail::field(j, "container_config")) {
    TRY(detail::expect_object(cc, "container_config", "Schema1V1Compatibility"));
    TRY(detail::read_strings(*cc, "Cmd", "schema1V1CompatibilityContainerConfig", cmd));
  }
  std::string created_by;
  for (size_t i = 0; cmd && i < cmd->size(); ++i) created_by += (i ? " " : "") + (*cmd)[i];
  json item = json::object();
  item["created"] = created;
  if (!author.empty()) item["author"] = author;
  if (!created_by.empty()) item["created_by"] = created_by;
  if (!comment.empty()) item["comment"] = comment;
  if (throwaway) item["empty_layer"] = true;
  return item;
}

} // namespace

Result<std::string> schema1_to_schema2_config(const ImageManifest& m, const std::vector<std::string>& diff_ids) {
  if (m.v1_compatibility.empty()) return fail(ErrorKind::invalid_input, "image has no layers");
  auto parsed = detail::parse_json(m.v1_compatibility.back());
  if (parsed && !parsed->is_object()) parsed = fail(ErrorKind::invalid_input, "json: cannot unmarshal into Go value of type manifest.Schema2V1Image");
  if (!parsed) return fail(parsed.error().wrap("decoding configuration"));
  json history = json::array();
  for (const auto& v1 : m.v1_compatibility) {
    TRY_ASSIGN(auto item, history_item(v1));
    history.push_back(std::move(item));
  }
  json rootfs = json::object();
  rootfs["type"] = "layers";
  if (!diff_ids.empty()) {
    json ids = json::array();
    for (const auto& d : diff_ids) ids.push_back(d);
    rootfs["diff_ids"] = std::move(ids);
  }
  json raw = json::object();
  for (auto it = parsed->begin(); it != parsed->end(); ++it) {
    static const std::vector<std::string> dropped = {"id", "parent", "parent_id", "layer_id", "throwaway", "Size"};
    if (std::find(dropped.begin(), dropped.end(), it.key()) == dropped.end()) raw[it.key()] = it.value();
  }
  raw["rootfs"] = std::move(rootfs);
  raw["history"] = std::move(history);
  // map[string]*json.RawMessage: top-level keys sorted, nested values as written.
  std::vector<std::string> keys;
  for (auto it = raw.begin(); it != raw.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  json sorted = json::object();
  for (const auto& k : keys) sorted[k] = raw[k];
  return go_marshal(sorted);
}

} // namespace hoist::manifest
