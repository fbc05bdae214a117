// Internal: the Docker config c/image synthesizes from a schema1 manifest
// (manifest.Schema1.ToSchema2Config), needed to convert schema1 to v2s2 / OCI.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hoist/digest/digest.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/result.hpp"

namespace hoist::manifest {

// history[0].v1Compatibility minus id/parent/parent_id/layer_id/throwaway/Size, plus
// rootfs{type:"layers", diff_ids} and history from every v1Compatibility, keys sorted.
// diff_ids are strings: c/image passes "" for each layer when it has no DiffIDs (OCIConfig).
Result<std::string> schema1_to_schema2_config(const ImageManifest& m, const std::vector<std::string>& diff_ids);

struct ConvertInput;
struct ConvertedImage;
struct LayerUpdate;
// c/image manifestSchema2.convertToManifestSchema1: builds the schema1 manifest (unsigned
// model) from a v2s2 manifest and its config; `edits` become the per-schema1-layer edits.
Result<ConvertedImage> schema2_to_schema1(const ImageManifest& m, const ConvertInput& in,
                                          std::optional<std::vector<LayerUpdate>>& edits);

} // namespace hoist::manifest
