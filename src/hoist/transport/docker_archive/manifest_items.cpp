#include "hoist/transport/docker_archive/manifest_items.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/manifest/decode.hpp"
#include "hoist/util/gojson.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::transport::docker_archive {

namespace {

namespace detail = manifest::detail;

Result<ManifestItem> parse_item(const detail::json& j) {
  ManifestItem item;
  std::optional<std::vector<std::string>> tags, layers;
  TRY(detail::read_string(j, "Config", "ManifestItem", item.config));
  TRY(detail::read_strings(j, "RepoTags", "ManifestItem", tags));
  TRY(detail::read_strings(j, "Layers", "ManifestItem", layers));
  item.repo_tags = tags.value_or(std::vector<std::string>{});
  item.layers = layers.value_or(std::vector<std::string>{});
  return item;
}

Result<std::vector<ManifestItem>> parse_items_json(std::string_view bytes) {
  TRY_ASSIGN(auto j, detail::parse_json(bytes));
  std::vector<ManifestItem> items;
  if (j.is_null()) return items;
  if (!j.is_array())
    return fail(ErrorKind::invalid_input,
                fmt::format("json: cannot unmarshal {} into Go value of type []tarfile.ManifestItem",
                            j.is_object() ? "object" : j.is_string() ? "string" : j.is_boolean() ? "bool" : "number"));
  for (const auto& element : j) {
    if (element.is_null()) {
      items.emplace_back();
      continue;
    }
    TRY(detail::expect_object(&element, "", "tarfile.ManifestItem"));
    TRY_ASSIGN(auto item, parse_item(element));
    items.push_back(std::move(item));
  }
  return items;
}

Result<reference::DockerName> parse_repo_tag(const std::string& tag, size_t item, const char* what) {
  auto parsed = reference::parse_normalized_named(tag);
  if (!parsed) return fail(parsed.error().wrap(fmt::format("Invalid tag {} in {} @{}", go_quote(tag), what, item)));
  return parsed;
}

} // namespace

Result<std::vector<ManifestItem>> parse_manifest_items(std::string_view bytes) {
  return wrap(parse_items_json(bytes), "decoding tar manifest.json");
}

std::string serialize_manifest_items(const std::vector<ManifestItem>& items) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& item : items) {
    nlohmann::ordered_json j;
    j["Config"] = item.config;
    j["RepoTags"] = item.repo_tags;
    j["Layers"] = item.layers;
    if (item.repo_tags.empty()) j["RepoTags"] = nlohmann::ordered_json::array();
    if (item.layers.empty()) j["Layers"] = nlohmann::ordered_json::array();
    out.push_back(std::move(j));
  }
  return go_marshal(out);
}

Result<ChosenItem> choose_item(const std::vector<ManifestItem>& items, const std::optional<reference::DockerName>& tag,
                               std::optional<int64_t> source_index) {
  if (tag) {
    const std::string wanted = tag->str();
    for (size_t i = 0; i < items.size(); ++i) {
      for (size_t t = 0; t < items[i].repo_tags.size(); ++t) {
        TRY_ASSIGN(auto parsed, parse_repo_tag(items[i].repo_tags[t], i, "manifest.json item"));
        if (parsed.str() == wanted) return ChosenItem{i, t};
      }
    }
    return fail(ErrorKind::not_found, fmt::format("Tag {} not found", go_quote(wanted)));
  }
  if (source_index) {
    if (*source_index >= static_cast<int64_t>(items.size()))
      return fail(ErrorKind::not_found, fmt::format("Invalid source index @{}, only {} manifest items available",
                                                    *source_index, items.size()));
    return ChosenItem{static_cast<size_t>(*source_index), std::nullopt};
  }
  if (items.size() != 1)
    return fail(ErrorKind::invalid_input,
                fmt::format("Unexpected tar manifest.json: expected 1 item, got {}", items.size()));
  return ChosenItem{0, std::nullopt};
}

Result<std::vector<std::string>> list_item_tags(const std::vector<ManifestItem>& items) {
  std::vector<std::string> out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].repo_tags.empty()) {
      out.push_back(fmt::format("@{}", i));
      continue;
    }
    for (const auto& tag : items[i].repo_tags) {
      TRY_ASSIGN(auto parsed, parse_repo_tag(tag, i, "manifest item"));
      if (parsed.tag.empty())
        return fail(ErrorKind::invalid_input,
                    fmt::format("Invalid tag {} ({}): does not contain a tag", go_quote(tag), parsed.str()));
      // ManifestTagsForReference: the first item carrying this tag supplies the text.
      TRY_ASSIGN(auto chosen, choose_item(items, parsed, std::nullopt));
      out.push_back(items[chosen.index].repo_tags[*chosen.tag_index]);
    }
  }
  return out;
}

} // namespace hoist::transport::docker_archive
