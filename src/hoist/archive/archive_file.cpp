#include "hoist/archive/archive_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <vector>

#include <archive.h>
#include <fmt/format.h>

#include "hoist/archive/tar_header.hpp"
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

// libarchive leaves the message empty for some failures (a stream cut short).
tl::unexpected<Error> decompress_error(struct archive* a) {
  const char* text = archive_error_string(a);
  return fail(ErrorKind::invalid_input,
              fmt::format("auto-decompressing input: {}", text ? text : "unexpected end of compressed data"));
}

Result<size_t> read_block_at(int fd, uint64_t offset, tar::Block& block, const std::string& name) {
  ssize_t n = ::pread(fd, block.data(), block.size(), static_cast<off_t>(offset));
  if (n < 0) return fail(fs::os_error("read", name, errno));
  return static_cast<size_t>(n);
}

tl::unexpected<Error> bad_header(uint64_t offset) {
  return fail(ErrorKind::invalid_input, fmt::format("invalid tar header at offset {}", offset));
}

// Follows the tar headers in the spool as it grows, to learn where the archive ends (two
// zero blocks): nothing after that is decompressed or stored. Go's tar reader stops there
// too, so the skipped bytes could not matter; skopeo still decompresses them all.
class TarEndFinder {
public:
  TarEndFinder(int fd, const std::string& name) : m_fd(fd), m_name(name) {}

  // The end offset once the spool's first `written` bytes show it.
  Result<std::optional<uint64_t>> advance(uint64_t written) {
    tar::Block block{};
    while (m_next + tar::k_block <= written) {
      TRY(read_block_at(m_fd, m_next, block, m_name));
      if (tar::is_zero(block)) {
        if (m_next + 2 * tar::k_block > written) return std::nullopt;
        TRY(read_block_at(m_fd, m_next + tar::k_block, block, m_name));
        if (!tar::is_zero(block)) return bad_header(m_next + tar::k_block);
        return m_next + 2 * tar::k_block;
      }
      TRY_ASSIGN(bool complete, member(block, written));
      if (!complete) return std::nullopt;
    }
    return std::nullopt;
  }

private:
  // Steps past one header and its data; false when a PAX record is not all written yet.
  Result<bool> member(const tar::Block& block, uint64_t written) {
    if (!tar::checksum_ok(block)) return bad_header(m_next);
    auto size = tar::field_number(block, tar::f_size);
    if (!size || *size < 0) return bad_header(m_next);
    auto n = static_cast<uint64_t>(*size);
    const char flag = block[tar::f_typeflag.offset];
    if (flag == tar::type_pax && n <= tar::k_max_special_size) {
      if (m_next + tar::k_block + n > written) return false;
      TRY(read_pax_size(n));
    } else if (flag != tar::type_pax_global && flag != tar::type_gnu_longname && flag != tar::type_gnu_longlink &&
               flag != tar::type_pax) {
      n = tar::header_only(flag) ? 0 : std::exchange(m_pax_size, std::nullopt).value_or(n);
    }
    m_next += tar::k_block + tar::padded(n);
    return true;
  }

  Status read_pax_size(uint64_t n) {
    std::string data(n, '\0');
    ssize_t got = ::pread(m_fd, data.data(), n, static_cast<off_t>(m_next + tar::k_block));
    if (got < 0) return fail(fs::os_error("read", m_name, errno));
    auto records = tar::parse_pax_records(data);
    if (!records) return {}; // the index scan reports it
    if (auto it = records->find("size"); it != records->end()) {
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
      if (ec == std::errc() && p == it->second.data() + it->second.size()) m_pax_size = v;
    }
    return {};
  }

  int m_fd;
  const std::string& m_name;
  uint64_t m_next = 0;
  std::optional<uint64_t> m_pax_size;
};

// What the spool may take of the file system holding it: the space free now, less a
// reserve (5% of the file system, at most 1 GiB) so that a lying archive fails before
// other programs run out of disk.
uint64_t spool_budget(int fd) {
  struct statvfs vfs {};
  if (::fstatvfs(fd, &vfs) != 0) return UINT64_MAX;
  uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  uint64_t reserve = std::min<uint64_t>(static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize / 20, 1ull << 30);
  return avail > reserve ? avail - reserve : 0;
}

// Streams the decompressed bytes of `path` into `fd` with libarchive's raw reader, up
// to the tar end-of-archive marker and at most `limit` bytes. With `drain`, the input
// is read to its end all the same (and the rest discarded).
Status decompress_into(const std::filesystem::path& path, int fd, const std::string& temp_name, uint64_t limit,
                       bool drain) {
  ArchivePtr a(archive_read_new());
  // The compressions skopeo auto-detects (detect_compression); anything else is read as-is.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_raw(a.get());
  struct archive_entry* entry = nullptr;
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 20) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &entry) != ARCHIVE_OK)
    return decompress_error(a.get());
  std::vector<char> buf(1 << 16);
  TarEndFinder tar_end(fd, temp_name);
  uint64_t written = 0;
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0)
      return decompress_error(a.get());
    if (n == 0) return {};
    if (written + static_cast<uint64_t>(n) > limit)
      return fail(ErrorKind::invalid_input,
                  fmt::format("auto-decompressing input: the decompressed archive is larger than the {} bytes "
                              "the temporary directory can spare (see --tmpdir)", limit));
    TRY(write_all(fd, buf.data(), static_cast<size_t>(n), temp_name));
    written += static_cast<uint64_t>(n);
    TRY_ASSIGN(auto end, tar_end.advance(written));
    if (end) {
      if (::ftruncate(fd, static_cast<off_t>(*end)) != 0) return fail(fs::os_error("truncate", temp_name, errno));
      // A pipe's writer (docker save | hoist …) would fail on EPIPE if we stopped reading
      // (libarchive's close happens to drain a pipe too; this does not rely on it).
      while (drain && archive_read_data(a.get(), buf.data(), buf.size()) > 0) {
      }
      return {};
    }
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
static Result<TarIndex> spool_and_scan(const std::filesystem::path& path, const std::string& tmpdir,
                                       std::optional<uint64_t> limit, bool is_stream) {
  std::string temp_name;
  TRY_ASSIGN(int fd, anonymous_temp_file(big_files_dir(tmpdir), temp_name));
  if (auto st = decompress_into(path, fd, temp_name, limit.value_or(spool_budget(fd)), is_stream); !st) {
    ::close(fd);
    return fail(st.error());
  }
  return TarIndex::scan(SharedFile::adopt(fd, temp_name));
}

Result<TarIndex> open_archive(const std::filesystem::path& path, const std::string& tmpdir,
                              std::optional<uint64_t> spool_limit) {
  // A pipe or device can't be read at offsets: spool it like a compressed archive.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
    return spool_and_scan(path, tmpdir, spool_limit, true);
  TRY_ASSIGN(auto file, SharedFile::open(path));
  std::array<std::byte, 6> head{};
  TRY_ASSIGN(size_t n, file->read_some_at(0, head));
  std::string_view head_text(reinterpret_cast<const char*>(head.data()), n);
  if (detect_compression(head_text) == Compression::none) return TarIndex::scan(std::move(file));
  return spool_and_scan(path, tmpdir, spool_limit, false);
}

} // namespace hoist::archive
