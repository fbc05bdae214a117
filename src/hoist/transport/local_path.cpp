#include "hoist/transport/local_path.hpp"

#include <cerrno>
#include <filesystem>
#include <sys/stat.h>

#include "hoist/util/fs.hpp"

namespace hoist::transport {

std::string go_clean_path(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    i = j + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") parts.pop_back();
      else if (!rooted) parts.push_back(part);
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out += '/';
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

std::string go_join_path(std::initializer_list<std::string_view> elements) {
  std::string joined;
  for (auto e : elements) {
    if (e.empty()) continue;
    if (!joined.empty()) joined += '/';
    joined += e;
  }
  return joined.empty() ? std::string() : go_clean_path(joined);
}

std::string resolve_path_explicit(std::string_view path) {
  namespace stdfs = std::filesystem;
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(stdfs::path(std::string(path)), ec);
  if (ec) return go_clean_path(path);
  stdfs::path resolved = stdfs::weakly_canonical(abs, ec);
  if (ec) return go_clean_path(abs.string());
  return go_clean_path(resolved.string());
}

Status make_dirs_0755(const std::string& path) {
  std::string cleaned = go_clean_path(path);
  struct stat st {};
  if (::stat(cleaned.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return fail(fs::os_error("mkdir", cleaned, ENOTDIR));
  }
  auto slash = cleaned.rfind('/');
  if (slash != std::string::npos && slash > 0) TRY(make_dirs_0755(cleaned.substr(0, slash)));
  if (::mkdir(cleaned.c_str(), 0755) != 0 && errno != EEXIST) return fail(fs::os_error("mkdir", cleaned, errno));
  return {};
}

} // namespace hoist::transport
