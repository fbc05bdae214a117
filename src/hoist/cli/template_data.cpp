#include "hoist/cli/template_data.hpp"

#include <string>
#include <utility>
#include <vector>

namespace hoist::cli {

namespace {

using nlohmann::ordered_json;
using gotemplate::GoKind;

// (Go field name, JSON key, zero value) in struct order.
struct FieldMap {
  const char* go;
  const char* key;
  ordered_json zero;
};

ordered_json remap(const ordered_json& in, const std::vector<FieldMap>& fields) {
  ordered_json out = ordered_json::object();
  for (const auto& f : fields) {
    auto it = in.is_object() ? in.find(f.key) : in.end();
    out[f.go] = in.is_object() && it != in.end() ? *it : f.zero;
  }
  return out;
}

} // namespace

ordered_json inspect_template_value(const ordered_json& v) {
  static const std::vector<FieldMap> fields{
      {"Name", "Name", ""},           {"Tag", "Tag", ""},         {"Digest", "Digest", ""},
      {"RepoTags", "RepoTags", nullptr}, {"Created", "Created", nullptr}, {"DockerVersion", "DockerVersion", ""},
      {"Labels", "Labels", nullptr},  {"Architecture", "Architecture", ""}, {"Os", "Os", ""},
      {"Layers", "Layers", nullptr},  {"LayersData", "LayersData", nullptr}, {"Env", "Env", nullptr}};
  return remap(v, fields);
}

const gotemplate::TypeHints& inspect_template_hints() {
  static const gotemplate::TypeHints hints{{{"RepoTags", GoKind::slice},
                                            {"Created", GoKind::time},
                                            {"Labels", GoKind::map},
                                            {"Layers", GoKind::slice},
                                            {"LayersData", GoKind::slice},
                                            {"LayersData[].Annotations", GoKind::map},
                                            {"Env", GoKind::slice}},
                                           {"Name", "Tag", "LayersData[].Annotations"}};
  return hints;
}

ordered_json config_template_value(const ordered_json& v) {
  static const std::vector<FieldMap> top{
      {"Created", "created", nullptr}, {"Author", "author", ""},         {"Architecture", "architecture", ""},
      {"OS", "os", ""},                {"OSVersion", "os.version", ""},  {"OSFeatures", "os.features", nullptr},
      {"Variant", "variant", ""},      {"Config", "config", nullptr},    {"RootFS", "rootfs", nullptr},
      {"History", "history", nullptr}};
  static const std::vector<FieldMap> config{
      {"User", "User", ""},         {"ExposedPorts", "ExposedPorts", nullptr}, {"Env", "Env", nullptr},
      {"Entrypoint", "Entrypoint", nullptr}, {"Cmd", "Cmd", nullptr},          {"Volumes", "Volumes", nullptr},
      {"WorkingDir", "WorkingDir", ""}, {"Labels", "Labels", nullptr},          {"StopSignal", "StopSignal", ""},
      {"ArgsEscaped", "ArgsEscaped", false}};
  static const std::vector<FieldMap> rootfs{{"Type", "type", ""}, {"DiffIDs", "diff_ids", nullptr}};
  static const std::vector<FieldMap> history{{"Created", "created", nullptr}, {"CreatedBy", "created_by", ""},
                                             {"Author", "author", ""},       {"Comment", "comment", ""},
                                             {"EmptyLayer", "empty_layer", false}};
  ordered_json out = remap(v, top);
  out["Config"] = remap(v.value("config", ordered_json::object()), config);
  out["RootFS"] = remap(v.value("rootfs", ordered_json::object()), rootfs);
  if (out["History"].is_array()) {
    ordered_json h = ordered_json::array();
    for (const auto& e : out["History"]) h.push_back(remap(e, history));
    out["History"] = std::move(h);
  }
  return out;
}

const gotemplate::TypeHints& config_template_hints() {
  static const gotemplate::TypeHints hints{{{"Created", GoKind::time},
                                            {"OSFeatures", GoKind::slice},
                                            {"Config.ExposedPorts", GoKind::map},
                                            {"Config.Env", GoKind::slice},
                                            {"Config.Entrypoint", GoKind::slice},
                                            {"Config.Cmd", GoKind::slice},
                                            {"Config.Volumes", GoKind::map},
                                            {"Config.Labels", GoKind::map},
                                            {"RootFS.DiffIDs", GoKind::slice},
                                            {"History", GoKind::slice},
                                            {"History[].Created", GoKind::time}},
                                           {}};
  return hints;
}

} // namespace hoist::cli
