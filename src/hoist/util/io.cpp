#include "hoist/util/io.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace hoist {

Result<size_t> MemoryReader::read(std::span<std::byte> buf) {
  size_t n = std::min(buf.size(), m_data.size() - m_pos);
  std::memcpy(buf.data(), m_data.data() + m_pos, n);
  m_pos += n;
  return n;
}

Result<std::string> read_all(Reader& reader, size_t limit) {
  std::string out;
  std::vector<std::byte> buf(64 * 1024);
  for (;;) {
    TRY_ASSIGN(size_t n, reader.read(buf));
    if (n == 0) return out;
    if (out.size() + n > limit)
      return fail(ErrorKind::invalid_input, fmt::format("exceeded maximum allowed size of {} bytes", limit));
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
}

Result<uint64_t> copy_stream(Reader& reader, Writer& writer) {
  std::vector<std::byte> buf(k_stream_buffer);
  uint64_t total = 0;
  for (;;) {
    TRY_ASSIGN(size_t n, reader.read(buf));
    if (n == 0) return total;
    TRY(writer.write(std::span<const std::byte>(buf.data(), n)));
    total += n;
  }
}

} // namespace hoist
