#include "hoist/sync/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hoist/util/fs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::sync {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Error unmarshal_error(const std::string& file, std::string_view what) {
  return Error(ErrorKind::invalid_input, fmt::format("Failed to unmarshal {}: {}", go_quote(file), what));
}

std::string scalar(const YAML::Node& n) { return n.IsNull() ? std::string() : n.as<std::string>(); }

Pairs string_map(const YAML::Node& n) {
  Pairs out;
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) throw YAML::Exception(n.Mark(), "expected a mapping");
  for (const auto& kv : n) out.emplace_back(kv.first.as<std::string>(), scalar(kv.second));
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> images_map(const YAML::Node& n) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  if (!n || n.IsNull()) return out;
  if (!n.IsMap()) throw YAML::Exception(n.Mark(), "expected a mapping");
  for (const auto& kv : n) {
    std::vector<std::string> refs;
    if (kv.second.IsSequence()) {
      for (const auto& r : kv.second) refs.push_back(r.as<std::string>());
    } else if (!kv.second.IsNull()) {
      throw YAML::Exception(kv.second.Mark(), "expected a sequence of tags or digests");
    }
    out.emplace_back(kv.first.as<std::string>(), std::move(refs));
  }
  return out;
}

RegistryConfig registry_config(const std::string& name, const YAML::Node& n) {
  RegistryConfig rc;
  rc.registry = name;
  if (!n || n.IsNull()) return rc;
  if (!n.IsMap()) throw YAML::Exception(n.Mark(), "expected a mapping");
  rc.images = images_map(n["images"]);
  rc.images_by_tag_regex = string_map(n["images-by-tag-regex"]);
  rc.images_by_semver = string_map(n["images-by-semver"]);
  if (auto c = n["credentials"]; c && c.IsMap()) {
    if (c["username"]) rc.username = scalar(c["username"]);
    if (c["password"]) rc.password = scalar(c["password"]);
    if (c["identitytoken"]) rc.identity_token = scalar(c["identitytoken"]);
  }
  if (auto t = n["tls-verify"]; t && !t.IsNull()) rc.tls_verify = t.as<bool>();
  if (auto d = n["cert-dir"]; d) rc.cert_dir = scalar(d);
  return rc;
}

} // namespace

Result<std::vector<RegistryConfig>> parse_config(std::string_view yaml, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    std::vector<RegistryConfig> out;
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) return fail(unmarshal_error(file, "the document is not a mapping of registries"));
    for (const auto& kv : root) out.push_back(registry_config(kv.first.as<std::string>(), kv.second));
    return out;
  } catch (const YAML::Exception& e) {
    return fail(unmarshal_error(file, e.what()));
  }
}

Result<std::vector<RegistryConfig>> load_config(const std::string& file) {
  TRY_ASSIGN(auto text, fs::read_file(file));
  return parse_config(text, file);
}

} // namespace hoist::sync
