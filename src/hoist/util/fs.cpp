#include "hoist/util/fs.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace hoist::fs {

Error os_error(std::string_view op, const stdfs::path& path, int err) {
  ErrorKind kind = err == ENOENT ? ErrorKind::not_found : ErrorKind::io;
  // Go prints errno texts in lower case ("no such file or directory"); glibc capitalizes.
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return Error(kind, fmt::format("{} {}: {}", op, path.string(), text));
}

Result<std::string> read_file(const stdfs::path& path, size_t limit) {
  TRY_ASSIGN(auto reader, FileReader::open(path));
  auto data = read_all(*reader, limit);
  if (!data) return fail(data.error().wrap(fmt::format("reading {}", path.string())));
  return data;
}

Status write_file_atomic(const stdfs::path& path, std::string_view data, unsigned mode) {
  auto dir = path.parent_path().empty() ? stdfs::path(".") : path.parent_path();
  TRY_ASSIGN(auto tmp, TempFile::create(dir, "." + path.filename().string() + ".tmp", mode));
  TRY(tmp.write(as_bytes(data)));
  return tmp.commit(path);
}

Status make_dirs(const stdfs::path& path) {
  std::error_code ec;
  stdfs::create_directories(path, ec);
  if (ec) return fail(os_error("mkdir", path, ec.value()));
  return {};
}

bool exists(const stdfs::path& path) {
  std::error_code ec;
  return stdfs::exists(path, ec);
}

bool is_dir(const stdfs::path& path) {
  std::error_code ec;
  return stdfs::is_directory(path, ec);
}

Status remove_all(const stdfs::path& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);
  if (ec) return fail(os_error("remove", path, ec.value()));
  return {};
}

Result<TempFile> TempFile::create(const stdfs::path& dir, std::string_view prefix, unsigned mode) {
  std::string templ = (dir / (std::string(prefix) + "XXXXXX")).string();
  int fd = ::mkstemp(templ.data());
  if (fd < 0) return fail(os_error("open", templ, errno));
  ::fchmod(fd, mode);
  return TempFile(fd, templ);
}

TempFile::TempFile(TempFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)), m_done(std::exchange(other.m_done, true)) {}

TempFile::~TempFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_done) ::unlink(m_path.c_str());
}

Status TempFile::write(std::span<const std::byte> data) {
  const std::byte* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(m_fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("write", m_path, errno));
    p += n;
    left -= static_cast<size_t>(n);
  }
  return {};
}

Status TempFile::write_at(uint64_t offset, std::span<const std::byte> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(m_fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("write", m_path, errno));
    done += static_cast<size_t>(n);
  }
  if (::lseek(m_fd, 0, SEEK_END) < 0) return fail(os_error("seek", m_path, errno));
  return {};
}

Result<size_t> TempFile::read_at(uint64_t offset, std::span<std::byte> buf) {
  size_t done = 0;
  while (done < buf.size()) {
    ssize_t n = ::pread(m_fd, buf.data() + done, buf.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("read", m_path, errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Status TempFile::truncate(uint64_t size) {
  if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) return fail(os_error("truncate", m_path, errno));
  if (::lseek(m_fd, 0, SEEK_END) < 0) return fail(os_error("seek", m_path, errno));
  return {};
}

Status TempFile::commit(const stdfs::path& final_path) {
  if (::close(std::exchange(m_fd, -1)) != 0) return fail(os_error("close", m_path, errno));
  if (::rename(m_path.c_str(), final_path.c_str()) != 0) return fail(os_error("rename", final_path, errno));
  m_done = true;
  return {};
}

Status TempFile::append_file(const stdfs::path& from) {
  TRY_ASSIGN(auto in, FileReader::open(from));
  uint64_t copied = 0;
  for (;;) {
    ssize_t n = ::copy_file_range(in->fd(), nullptr, m_fd, nullptr, 1u << 30, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) copied += static_cast<uint64_t>(n);
    if (n == 0) return {};
    if (n > 0) continue;
    // Not across these file systems (or on this kernel): an ordinary copy.
    bool unsupported = errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP;
    if (!unsupported || copied > 0) return fail(os_error("copy_file_range", from, errno));
    TRY(copy_stream(*in, *this));
    return {};
  }
}

Status link_or_copy(const stdfs::path& from, const stdfs::path& to, std::string_view temp_prefix) {
  TRY_ASSIGN(auto tmp, TempFile::create(to.parent_path(), temp_prefix, 0644));
  // The temporary file reserves a unique name; the link takes that name plus a suffix.
  std::string linked = tmp.path().string() + ".link";
  if (::link(from.c_str(), linked.c_str()) == 0) {
    if (::rename(linked.c_str(), to.c_str()) == 0) return {};
    int e = errno;
    ::unlink(linked.c_str());
    return fail(os_error("rename", to, e));
  }
  if (errno == ENOENT) return fail(os_error("link", from, errno));
  TRY(tmp.append_file(from));
  return tmp.commit(to);
}

Result<std::unique_ptr<FileReader>> FileReader::open(const stdfs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(os_error("open", path, errno));
  struct stat st {};
  ::fstat(fd, &st);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileReader>(new FileReader(fd, static_cast<uint64_t>(st.st_size), path));
}

FileReader::~FileReader() { ::close(m_fd); }

Result<size_t> FileReader::read(std::span<std::byte> buf) {
  for (;;) {
    ssize_t n = ::read(m_fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(os_error("read", m_path, errno));
    return static_cast<size_t>(n);
  }
}

} // namespace hoist::fs
