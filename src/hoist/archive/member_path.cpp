#include "hoist/archive/member_path.hpp"

#include <vector>

namespace hoist::archive {

std::string clean_name(std::string_view name) {
  if (name.empty()) return ".";
  const bool rooted = name.front() == '/';
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t end = name.find('/', pos);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part); // Go keeps leading ".." of relative names
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

bool escapes_root(std::string_view cleaned) {
  return cleaned.starts_with('/') || cleaned == ".." || cleaned.starts_with("../");
}

std::string symlink_destination(std::string_view link_name, std::string_view target) {
  if (target.starts_with('/')) return clean_name(target);
  std::string dir = clean_name(link_name);
  size_t slash = dir.rfind('/');
  dir = slash == std::string::npos ? "" : dir.substr(0, slash);
  if (dir.empty()) return clean_name(target);
  return clean_name(dir + "/" + std::string(target));
}

} // namespace hoist::archive
