#include "hoist/reference/path.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "hoist/util/strings.hpp"

namespace hoist::reference {

namespace {

// Go's syscall.Errno texts are glibc's with a lowercase first letter.
std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && !(s.size() > 1 && s[1] >= 'A' && s[1] <= 'Z'))
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

Error lstat_error(std::string_view path, int err) {
  return Error(err == ENOENT ? ErrorKind::not_found : ErrorKind::io, fmt::format("lstat {}: {}", path, errno_text(err)));
}

std::string absolute(std::string_view path) {
  if (starts_with(path, "/")) return clean_path(path);
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) return clean_path(path);
  return clean_path(fmt::format("{}/{}", cwd, path));
}

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& c : split(path, '/'))
    if (!c.empty()) out.push_back(std::move(c));
  return out;
}

// filepath.Abs + EvalSymlinks: walk the components, replacing each symlink by its
// target, so an error names the resolved path that is missing (as Go's does).
Result<std::string> resolve_existing(std::string_view path) {
  auto todo = components(absolute(path));
  std::reverse(todo.begin(), todo.end()); // a stack: next component at the back
  std::string dest;
  int links = 0;
  while (!todo.empty()) {
    std::string comp = std::move(todo.back());
    todo.pop_back();
    if (comp == ".") continue;
    if (comp == "..") {
      dest = dest.substr(0, dest.empty() ? 0 : dest.rfind('/'));
      continue;
    }
    std::string candidate = dest + "/" + comp;
    struct stat st {};
    if (lstat(candidate.c_str(), &st) != 0) return fail(lstat_error(candidate, errno));
    if (!S_ISLNK(st.st_mode)) {
      dest = std::move(candidate);
      continue;
    }
    if (++links > 255) return fail(ErrorKind::io, "EvalSymlinks: too many links");
    std::vector<char> target(PATH_MAX + 1);
    ssize_t n = readlink(candidate.c_str(), target.data(), PATH_MAX);
    if (n < 0) return fail(ErrorKind::io, fmt::format("readlink {}: {}", candidate, errno_text(errno)));
    std::string_view link(target.data(), static_cast<size_t>(n));
    if (starts_with(link, "/")) dest.clear();
    auto parts = components(link);
    todo.insert(todo.end(), parts.rbegin(), parts.rend());
  }
  return dest.empty() ? std::string("/") : dest;
}

} // namespace

std::string clean_path(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path.front() == '/';
  std::vector<std::string> out;
  for (const auto& part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!out.empty() && out.back() != "..") out.pop_back();
      else if (!rooted) out.push_back(part);
      continue;
    }
    out.push_back(part);
  }
  std::string joined;
  for (const auto& p : out) joined += (joined.empty() ? "" : "/") + p;
  if (rooted) return "/" + joined;
  return joined.empty() ? "." : joined;
}

Result<std::string> resolve_path_to_fully_explicit(std::string_view path) {
  std::string p(path);
  struct stat st {};
  if (lstat(p.c_str(), &st) == 0) return resolve_existing(p);
  int err = p.empty() ? ENOENT : errno;
  if (err != ENOENT) return fail(lstat_error(p, err));
  auto slash = p.rfind('/');
  std::string parent = slash == std::string::npos ? "" : p.substr(0, slash + 1);
  std::string file = slash == std::string::npos ? p : p.substr(slash + 1);
  TRY_ASSIGN(auto resolved_parent, resolve_existing(parent));
  if (file == "." || file == "..")
    return fail(ErrorKind::invalid_input, fmt::format("Unexpectedly missing special filename component in {}", p));
  return clean_path(resolved_parent + "/" + file);
}

} // namespace hoist::reference
