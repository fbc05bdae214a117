// Random access to an archive file shared by many readers. Members are served with
// pread(2) on one descriptor, so any number of member streams (one per layer being
// copied, on any thread) read the same archive without seeking or copying it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

class SharedFile {
public:
  // Opens `path` read-only; the error reads like Go's ("open x: no such file or directory").
  static Result<std::shared_ptr<SharedFile>> open(const std::filesystem::path& path);
  // Adopts an open descriptor (e.g. an unlinked temporary file); `name` is for messages.
  static std::shared_ptr<SharedFile> adopt(int fd, std::string name);
  ~SharedFile();
  SharedFile(const SharedFile&) = delete;
  SharedFile& operator=(const SharedFile&) = delete;

  uint64_t size() const { return m_size; }
  const std::string& name() const { return m_name; }
  // Reads exactly buf.size() bytes at `offset`; a short file is an error.
  Status read_at(uint64_t offset, std::span<std::byte> buf) const;
  // Up to buf.size() bytes at `offset` (0 at the end of the file).
  Result<size_t> read_some_at(uint64_t offset, std::span<std::byte> buf) const;

private:
  SharedFile(int fd, uint64_t size, std::string name) : m_fd(fd), m_size(size), m_name(std::move(name)) {}
  int m_fd;
  uint64_t m_size;
  std::string m_name;
};

// A Reader over bytes [offset, offset + length) of a SharedFile.
class RegionReader final : public Reader {
public:
  RegionReader(std::shared_ptr<const SharedFile> file, uint64_t offset, uint64_t length)
      : m_file(std::move(file)), m_pos(offset), m_end(offset + length) {}
  Result<size_t> read(std::span<std::byte> buf) override;

private:
  std::shared_ptr<const SharedFile> m_file;
  uint64_t m_pos;
  uint64_t m_end;
};

} // namespace hoist::archive
