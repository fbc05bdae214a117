// The --src yaml file (skopeo-sync(1)): registry → images / images-by-tag-regex /
// images-by-semver / credentials / tls-verify / cert-dir. skopeo iterates the Go maps in
// random order; hoist keeps the file's order, which is one of the orders skopeo may use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::sync {

struct RegistryConfig {
  std::string registry;
  // repo → refs (tags or digests); empty = every tag.
  std::vector<std::pair<std::string, std::vector<std::string>>> images;
  std::vector<std::pair<std::string, std::string>> images_by_tag_regex;
  std::vector<std::pair<std::string, std::string>> images_by_semver;
  std::string username, password, identity_token; // credentials (all empty = none)
  std::optional<bool> tls_verify;                  // present only when the key is
  std::string cert_dir;                            // always overrides the CLI's
  bool has_images() const {
    return !images.empty() || !images_by_tag_regex.empty() || !images_by_semver.empty();
  }
  bool has_credentials() const { return !username.empty() || !password.empty() || !identity_token.empty(); }
};

// Parses the YAML text; `file` names it in errors ("Failed to unmarshal "f": …").
Result<std::vector<RegistryConfig>> parse_config(std::string_view yaml, const std::string& file);
// Reads and parses the file.
Result<std::vector<RegistryConfig>> load_config(const std::string& file);

} // namespace hoist::sync
