#include "hoist/archive/archive_file.hpp"

#include <array>
#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <fmt/format.h>

#include "hoist/util/fs.hpp"

namespace hoist::archive {

namespace {

struct ArchiveCloser {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveCloser>;

Status write_all(int fd, const void* data, size_t size, const std::string& name) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(fs::os_error("write", name, errno));
    p += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

// An unlinked file in `dir`: nothing to clean up, whatever happens.
Result<int> anonymous_temp_file(const std::string& dir, std::string& name) {
  name = dir + "/container_images_docker-tarXXXXXX";
  int fd = ::mkstemp(name.data());
  if (fd < 0) return fail(fs::os_error("open", name, errno).wrap("creating temporary file"));
  ::unlink(name.c_str());
  return fd;
}

// Streams the decompressed bytes of `path` into `fd` with libarchive's raw reader.
Status decompress_into(const std::filesystem::path& path, int fd, const std::string& temp_name) {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  struct archive_entry* entry = nullptr;
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK)
    return fail(ErrorKind::invalid_input, fmt::format("auto-decompressing input: {}", archive_error_string(a.get())));
  std::array<char, 1 << 16> buf{};
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0)
      return fail(ErrorKind::invalid_input, fmt::format("auto-decompressing input: {}", archive_error_string(a.get())));
    if (n == 0) return {};
    TRY(write_all(fd, buf.data(), static_cast<size_t>(n), temp_name));
  }
}

} // namespace

Compression detect_compression(std::string_view head) {
  if (head.starts_with("\x1f\x8b\x08")) return Compression::gzip;
  if (head.starts_with("BZh")) return Compression::bzip2;
  if (head.starts_with(std::string_view("\xfd" "7zXZ\x00", 6))) return Compression::xz;
  if (head.starts_with("\x28\xb5\x2f\xfd")) return Compression::zstd;
  return Compression::none;
}

std::string big_files_dir(const std::string& tmpdir) { return tmpdir.empty() ? "/var/tmp" : tmpdir; }

// Spools `path` (decompressed) into an unlinked file in the big-files directory.
static Result<TarIndex> spool_and_scan(const std::filesystem::path& path, const std::string& tmpdir) {
  std::string temp_name;
  TRY_ASSIGN(int fd, anonymous_temp_file(big_files_dir(tmpdir), temp_name));
  if (auto st = decompress_into(path, fd, temp_name); !st) {
    ::close(fd);
    return fail(st.error());
  }
  return TarIndex::scan(SharedFile::adopt(fd, temp_name));
}

Result<TarIndex> open_archive(const std::filesystem::path& path, const std::string& tmpdir) {
  // A pipe or device can't be read at offsets: spool it like a compressed archive.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return spool_and_scan(path, tmpdir);
  TRY_ASSIGN(auto file, SharedFile::open(path));
  std::array<std::byte, 6> head{};
  TRY_ASSIGN(size_t n, file->read_some_at(0, head));
  std::string_view head_text(reinterpret_cast<const char*>(head.data()), n);
  if (detect_compression(head_text) == Compression::none) return TarIndex::scan(std::move(file));
  return spool_and_scan(path, tmpdir);
}

} // namespace hoist::archive
