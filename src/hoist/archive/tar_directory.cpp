#include "hoist/archive/tar_directory.hpp"

#include <algorithm>
#include <cerrno>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "hoist/util/fs.hpp"

namespace hoist::archive {

namespace {

namespace stdfs = std::filesystem;

std::string user_name(uid_t uid) {
  struct passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : "";
}

std::string group_name(gid_t gid) {
  struct group* gr = ::getgrgid(gid);
  return gr ? gr->gr_name : "";
}

// Go's Time.Round(time.Second) for a non-negative time.
int64_t rounded_seconds(const struct timespec& ts) { return ts.tv_sec + (ts.tv_nsec >= 500'000'000 ? 1 : 0); }

Result<std::vector<std::string>> sorted_children(const stdfs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (stdfs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  if (ec) return fail(fs::os_error("open", dir, ec.value()));
  std::sort(names.begin(), names.end());
  return names;
}

Status add_entry(const stdfs::path& path, const std::string& rel, TarWriter& writer);

Status add_tree(const stdfs::path& dir, const std::string& rel_prefix, TarWriter& writer) {
  TRY_ASSIGN(auto names, sorted_children(dir));
  for (const auto& name : names) TRY(add_entry(dir / name, rel_prefix + name, writer));
  return {};
}

Status add_entry(const stdfs::path& path, const std::string& rel, TarWriter& writer) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return fail(fs::os_error("lstat", path, errno));
  TarHeader h = entry_header(rel, st.st_mode, st.st_uid, st.st_gid, rounded_seconds(st.st_mtim));
  if (S_ISDIR(st.st_mode)) {
    TRY(writer.add_header_only(h));
    return add_tree(path, h.name, writer);
  }
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    h.link_name = stdfs::read_symlink(path, ec).string();
    if (ec) return fail(fs::os_error("readlink", path, ec.value()));
    return writer.add_header_only(h);
  }
  if (!S_ISREG(st.st_mode)) return fail(ErrorKind::unsupported, "archive: unsupported file type of " + path.string());
  h.size = static_cast<uint64_t>(st.st_size);
  TRY_ASSIGN(auto reader, fs::FileReader::open(path));
  return writer.add_file(h, *reader);
}

} // namespace

TarHeader entry_header(std::string rel, unsigned mode, unsigned uid, unsigned gid, int64_t mtime) {
  TarHeader h;
  h.name = std::move(rel);
  h.mode = mode & 07777;
  h.uname = user_name(uid);
  h.gname = group_name(gid);
  h.mtime = mtime;
  if (S_ISDIR(mode)) {
    h.name += "/";
    h.type = '5';
    h.mode |= 040000;
  } else if (S_ISLNK(mode)) {
    h.type = '2';
    h.mode |= 0120000;
  } else if (S_ISREG(mode)) {
    h.mode |= 0100000;
  }
  return h;
}

Status tar_directory(const std::filesystem::path& root, TarWriter& writer) { return add_tree(root, "", writer); }

} // namespace hoist::archive
