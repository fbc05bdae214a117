// Filesystem helpers that never throw and never leave half-written files visible:
// everything that lands in a layout is written to a temporary file in the same
// directory and renamed into place.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::fs {

namespace stdfs = std::filesystem;

Result<std::string> read_file(const stdfs::path& path, size_t limit = 64u << 20);
// Writes `data` to `path` through a temporary sibling and rename(2).
Status write_file_atomic(const stdfs::path& path, std::string_view data, unsigned mode = 0644);
Status make_dirs(const stdfs::path& path);
bool exists(const stdfs::path& path);
bool is_dir(const stdfs::path& path);
Status remove_all(const stdfs::path& path);
// Go's os error text: "open /x: no such file or directory".
Error os_error(std::string_view op, const stdfs::path& path, int err);

// Makes `to` a file with the bytes of `from`, atomically (through a temporary file in
// `to`'s directory named with `temp_prefix`, then rename(2)): a hard link where the file
// system allows one, else a copy. For content-addressed files that are never written in
// place, so sharing the inode is safe.
Status link_or_copy(const stdfs::path& from, const stdfs::path& to, std::string_view temp_prefix);

// A file being written. It becomes visible under its final name only by commit();
// destroying an uncommitted TempFile removes it.
class TempFile final : public Writer {
public:
  static Result<TempFile> create(const stdfs::path& dir, std::string_view prefix, unsigned mode = 0644);
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() override;

  Status write(std::span<const std::byte> data) override;
  // Positional access to what was written; write() keeps appending at the end.
  Status write_at(uint64_t offset, std::span<const std::byte> data);
  Result<size_t> read_at(uint64_t offset, std::span<std::byte> buf);
  Status truncate(uint64_t size);
  Status commit(const stdfs::path& final_path);
  // Appends the whole of file `from` (copy_file_range: the bytes stay in the kernel).
  Status append_file(const stdfs::path& from);
  const stdfs::path& path() const { return m_path; }

private:
  TempFile(int fd, stdfs::path path) : m_fd(fd), m_path(std::move(path)) {}
  int m_fd = -1;
  stdfs::path m_path;
  bool m_done = false;
};

// A Reader over a file.
class FileReader final : public Reader {
public:
  static Result<std::unique_ptr<FileReader>> open(const stdfs::path& path);
  ~FileReader() override;
  Result<size_t> read(std::span<std::byte> buf) override;
  uint64_t size() const { return m_size; }
  int fd() const { return m_fd; }

private:
  FileReader(int fd, uint64_t size, stdfs::path path) : m_fd(fd), m_size(size), m_path(std::move(path)) {}
  int m_fd;
  uint64_t m_size;
  stdfs::path m_path;
};

} // namespace hoist::fs
