#include "hoist/archive/file_region.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/util/fs.hpp"

namespace hoist::archive {

Result<std::shared_ptr<SharedFile>> SharedFile::open(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(fs::os_error("open", path, errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(fs::os_error("stat", path, err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail(fs::os_error("read", path, EISDIR));
  }
  return std::shared_ptr<SharedFile>(new SharedFile(fd, static_cast<uint64_t>(st.st_size), path.string()));
}

std::shared_ptr<SharedFile> SharedFile::adopt(int fd, std::string name) {
  struct stat st {};
  ::fstat(fd, &st);
  return std::shared_ptr<SharedFile>(new SharedFile(fd, static_cast<uint64_t>(st.st_size), std::move(name)));
}

SharedFile::~SharedFile() { ::close(m_fd); }

Result<size_t> SharedFile::read_some_at(uint64_t offset, std::span<std::byte> buf) const {
  for (;;) {
    ssize_t n = ::pread(m_fd, buf.data(), buf.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(fs::os_error("read", m_name, errno));
    return static_cast<size_t>(n);
  }
}

Status SharedFile::read_at(uint64_t offset, std::span<std::byte> buf) const {
  size_t done = 0;
  while (done < buf.size()) {
    TRY_ASSIGN(size_t n, read_some_at(offset + done, buf.subspan(done)));
    if (n == 0)
      return fail(ErrorKind::invalid_input,
                  fmt::format("{}: unexpected end of file at offset {}", m_name, offset + done));
    done += n;
  }
  return {};
}

Result<size_t> RegionReader::read(std::span<std::byte> buf) {
  if (m_pos >= m_end || buf.empty()) return size_t{0};
  size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), m_end - m_pos));
  TRY_ASSIGN(size_t n, m_file->read_some_at(m_pos, buf.first(want)));
  if (n == 0)
    return fail(ErrorKind::invalid_input,
                fmt::format("{}: unexpected end of file at offset {}", m_file->name(), m_pos));
  m_pos += n;
  return n;
}

} // namespace hoist::archive
