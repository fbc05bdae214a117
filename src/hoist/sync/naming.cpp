#include "hoist/sync/naming.hpp"

#include "hoist/transport/local_path.hpp"

namespace hoist::sync {

std::string go_base(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  auto slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return std::string(path);
}

std::string go_join(std::string_view a, std::string_view b) { return transport::go_join_path({a, b}); }

std::string docker_suffix(const reference::DockerName& name) { return name.str(); }

std::string dir_suffix(std::string_view image_path, std::string_view base) {
  std::string_view suffix = image_path;
  if (suffix.substr(0, base.size()) == base) suffix.remove_prefix(base.size());
  if (suffix.empty()) return go_base(base);
  return std::string(suffix);
}

bool oci_ref_in_prefix(std::string_view ref, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (ref.substr(0, prefix.size()) != prefix) return false;
  return ref.size() > prefix.size() && ref[prefix.size()] == '/';
}

std::string oci_suffix(std::string_view ref, std::string_view prefix) {
  if (!oci_ref_in_prefix(ref, prefix)) return {};
  if (prefix.empty()) return "/" + std::string(ref);
  return std::string(ref.substr(prefix.size()));
}

std::string scope(std::string_view suffix, bool scoped) {
  return scoped ? std::string(suffix) : go_base(suffix);
}

std::string destination_path(std::string_view dest, std::string_view scoped_suffix, std::string_view append_suffix) {
  return go_join(dest, scoped_suffix) + std::string(append_suffix);
}

std::string oci_ref_name(std::string_view scoped_suffix, std::string_view append_suffix) {
  std::string name = transport::go_clean_path(scoped_suffix);
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name + std::string(append_suffix);
}

} // namespace hoist::sync
