// Writes tar streams byte-for-byte as Go's archive/tar Writer does (USTAR when the
// header fits, else PAX with a "PaxHeaders.0" record file; no record padding after
// the two terminating zero blocks), because skopeo's docker-archive: output is
// deterministic and hoist's must be identical to it. libarchive's ustar writer formats
// numeric fields differently ("000644 \0" vs Go's "0000644\0"), so the header block is
// built here; it is ~100 lines and fully pinned by tests against skopeo's archives.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

struct TarHeader {
  std::string name;       // directories end with "/"
  char type = '0';        // '0' file, '2' symlink, '5' directory
  std::string link_name;
  int64_t mode = 0644;    // the mode field verbatim (callers add S_IF* bits if wanted)
  int64_t uid = 0, gid = 0;
  std::string uname, gname;
  uint64_t size = 0;      // content bytes for regular files
  int64_t mtime = 0;      // seconds since the epoch
};

// An output the writer may also read back and overwrite (a regular file).
class RandomAccess {
public:
  virtual ~RandomAccess() = default;
  virtual Status write_at(uint64_t offset, std::span<const std::byte> data) = 0;
  virtual Result<size_t> read_at(uint64_t offset, std::span<std::byte> buf) = 0;
  virtual Status truncate(uint64_t size) = 0;
};

class TarWriter {
public:
  explicit TarWriter(Writer& out) : m_out(out) {}

  // A member whose `h.size` bytes come from `content`; fails unless it yields exactly
  // that many ("Size mismatch when copying NAME, expected N, got M").
  Status add_file(const TarHeader& h, Reader& content);
  Status add_bytes(TarHeader h, std::string_view data);
  // A member whose size (and name) is known only after its content, written without a
  // temporary copy: a placeholder header, the content, then `final_header(size)` written
  // over the placeholder through `file`; a longer final header (PAX, for sizes of 8 GiB
  // and more) moves the content forward in place. The bytes equal add_file()'s.
  Status add_streamed(Reader& content, RandomAccess& file, const std::function<TarHeader(uint64_t size)>& final_header);
  // Drops everything written after `offset` (a member that turned out to be a duplicate).
  Status truncate_to(uint64_t offset, RandomAccess& file);
  // Header-only members (directories, symlinks).
  Status add_header_only(const TarHeader& h);
  // The end-of-archive marker: two zero blocks.
  Status close();
  uint64_t bytes_written() const { return m_written; }

private:
  Status write_header(const TarHeader& h);
  Status write_raw(std::span<const std::byte> data);
  Status pad(uint64_t size);

  Writer& m_out;
  uint64_t m_written = 0;
};

// The header block(s) Go writes for `h` (one USTAR block, or PAX header + record data +
// padding + the main block). Exposed for tests.
std::string go_tar_header(const TarHeader& h);

} // namespace hoist::archive
