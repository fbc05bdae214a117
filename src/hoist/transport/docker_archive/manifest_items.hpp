// manifest.json of a docker-archive: the list of images (config file, tags, layer
// files), decoded like Go decodes []tarfile.ManifestItem and written like json.Marshal.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/reference/docker.hpp"
#include "hoist/util/result.hpp"

namespace hoist::transport::docker_archive {

struct ManifestItem {
  std::string config;
  std::vector<std::string> repo_tags;
  std::vector<std::string> layers;
};

// Errors: "decoding tar manifest.json: …".
Result<std::vector<ManifestItem>> parse_manifest_items(std::string_view bytes);
// [{"Config":…,"RepoTags":[…],"Layers":[…]}] (Parent and LayerSources omitted, as skopeo).
std::string serialize_manifest_items(const std::vector<ManifestItem>& items);

struct ChosenItem {
  size_t index = 0;
  std::optional<size_t> tag_index; // set when chosen by tag
};

// c/image's ChooseManifestItem: by tag (`Tag "x" not found`), by @N (`Invalid source
// index @N, only M manifest items available`), else the only item (`Unexpected tar
// manifest.json: expected 1 item, got N`).
Result<ChosenItem> choose_item(const std::vector<ManifestItem>& items, const std::optional<reference::DockerName>& tag,
                               std::optional<int64_t> source_index);

// list-tags for a docker-archive (skopeo's listDockerArchiveTags): every item's tags as
// written, "@<index>" for an untagged item.
Result<std::vector<std::string>> list_item_tags(const std::vector<ManifestItem>& items);

} // namespace hoist::transport::docker_archive
