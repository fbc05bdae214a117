// What `inspect --format` templates see. skopeo runs them on Go structs (inspect.Output,
// the OCI v1.Image), so every struct field exists even when its JSON form omits it, and
// --config fields have Go names (.OS, .Config.Env, .RootFS.DiffIDs). These build that
// view from the JSON the manifest library produces, plus the Go type hints.
#pragma once

#include <nlohmann/json.hpp>

#include "hoist/util/gotemplate.hpp"

namespace hoist::cli {

nlohmann::ordered_json inspect_template_value(const nlohmann::ordered_json& inspect_output);
const gotemplate::TypeHints& inspect_template_hints();
nlohmann::ordered_json config_template_value(const nlohmann::ordered_json& oci_image);
const gotemplate::TypeHints& config_template_hints();

} // namespace hoist::cli
