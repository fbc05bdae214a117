// Byte streams. Blobs are never held whole in memory: every stage of a copy is a
// Reader that pulls from the one before it (file → verifier → decompressor → ...), and
// the destination drains the last one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist {

class Reader {
public:
  virtual ~Reader() = default;
  // Reads up to buf.size() bytes; returns 0 only at the end of the stream.
  virtual Result<size_t> read(std::span<std::byte> buf) = 0;
};
using ReaderPtr = std::unique_ptr<Reader>;

class Writer {
public:
  virtual ~Writer() = default;
  virtual Status write(std::span<const std::byte> data) = 0;
};

// Size of the buffers that stream stages hand each other.
inline constexpr size_t k_stream_buffer = 128 * 1024;

// A Reader over bytes held in memory (manifests, configs, tests).
class MemoryReader final : public Reader {
public:
  explicit MemoryReader(std::string data) : m_data(std::move(data)) {}
  Result<size_t> read(std::span<std::byte> buf) override;

private:
  std::string m_data;
  size_t m_pos = 0;
};

// Forwards to a Reader owned elsewhere (hands a stream to an API that takes a ReaderPtr).
class BorrowedReader final : public Reader {
public:
  explicit BorrowedReader(Reader& inner) : m_inner(inner) {}
  Result<size_t> read(std::span<std::byte> buf) override { return m_inner.read(buf); }

private:
  Reader& m_inner;
};

// Reads a whole stream into a string, failing if it grows past `limit` bytes.
Result<std::string> read_all(Reader& reader, size_t limit);
// Pumps `reader` into `writer` until the end; returns the byte count.
Result<uint64_t> copy_stream(Reader& reader, Writer& writer);

inline std::span<const std::byte> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

} // namespace hoist
