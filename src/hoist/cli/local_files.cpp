#include "hoist/cli/local_files.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace hoist::cli {

namespace {

Error os_failure(std::string_view op, const std::string& path, int err) {
  ErrorKind kind = err == ENOENT ? ErrorKind::not_found : ErrorKind::io;
  return Error(kind, fmt::format("{} {}: {}", op, path, go_errno_text(err)));
}

} // namespace

std::string go_errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

Result<std::string> go_read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(os_failure("open", path, errno));
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(os_failure("read", path, err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status go_write_file(const std::string& path, std::string_view data, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail(os_failure("open", path, errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fail(os_failure("write", path, err));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return fail(os_failure("close", path, errno));
  return {};
}

} // namespace hoist::cli
