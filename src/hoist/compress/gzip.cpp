// gzip streams. Inflate is always isa-l (it parses the gzip header and checks CRC-32 and
// ISIZE itself); concatenated members are decoded one after another like Go's
// gzip.Reader in multistream mode, and anything after a member that is not another
// gzip header is "gzip: invalid header". Deflate uses isa-l for the fast levels and
// zlib for stored, Huffman-only and 4–9. Error texts follow Go's compress/gzip.
#include <cstring>
#include <fmt/format.h>
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include "hoist/compress/codecs.hpp"

namespace hoist::compress::detail {

namespace {

constexpr int k_isal_default_level = 1;

Error corrupt(std::string message) { return Error(ErrorKind::invalid_input, std::move(message)); }

class GzipDecompressor final : public Reader {
public:
  explicit GzipDecompressor(Source src) : m_src(std::move(src)), m_in(k_stream_buffer) {
    isal_inflate_init(&m_state);
    m_state.crc_flag = ISAL_GZIP;
  }

  Result<size_t> read(std::span<std::byte> buf) override {
    if (m_done || buf.empty()) return 0;
    for (;;) {
      TRY(fill());
      if (m_state.block_state == ISAL_BLOCK_FINISH) {
        if (m_state.avail_in == 0 && m_in_eof) return finish();
        if (m_state.avail_in == 0) continue;
        next_member();
      }
      m_state.next_out = reinterpret_cast<uint8_t*>(buf.data());
      auto out_size = static_cast<uint32_t>(std::min<size_t>(buf.size(), UINT32_MAX));
      m_state.avail_out = out_size;
      uint32_t before_in = m_state.avail_in;
      int ret = isal_inflate(&m_state);
      m_consumed += before_in - m_state.avail_in;
      if (ret < 0) return fail(error_for(ret));
      size_t produced = out_size - m_state.avail_out;
      if (produced > 0) return produced;
      if (m_state.block_state != ISAL_BLOCK_FINISH && m_state.avail_in == 0 && m_in_eof)
        return fail(corrupt(m_total_in == 0 ? "EOF" : "unexpected EOF"));
    }
  }

private:
  Status fill() {
    if (m_state.avail_in > 0 || m_in_eof) return {};
    TRY_ASSIGN(size_t n, m_src.get().read(m_in));
    m_in_eof = n == 0;
    m_total_in += n;
    m_state.next_in = reinterpret_cast<uint8_t*>(m_in.data());
    m_state.avail_in = static_cast<uint32_t>(n);
    return {};
  }

  // isal_inflate_reset forgets the input position; keep the unread bytes.
  void next_member() {
    uint8_t* next_in = m_state.next_in;
    uint32_t avail_in = m_state.avail_in;
    isal_inflate_reset(&m_state);
    m_state.crc_flag = ISAL_GZIP;
    m_state.next_in = next_in;
    m_state.avail_in = avail_in;
  }

  Result<size_t> finish() {
    m_done = true;
    return 0;
  }

  Error error_for(int ret) const {
    switch (ret) {
    case ISAL_INVALID_WRAPPER:
    case ISAL_UNSUPPORTED_METHOD: return corrupt("gzip: invalid header");
    case ISAL_INCORRECT_CHECKSUM: return corrupt("gzip: invalid checksum");
    default: return corrupt(fmt::format("flate: corrupt input before offset {}", m_consumed));
    }
  }

  Source m_src;
  std::vector<std::byte> m_in;
  inflate_state m_state{};
  uint64_t m_total_in = 0;
  uint64_t m_consumed = 0;
  bool m_in_eof = false;
  bool m_done = false;
};

// Common pull loop: refill input, run the codec into m_out, hand m_out to the caller.
class BufferedCompressor : public Reader {
public:
  explicit BufferedCompressor(Source src) : m_in(k_stream_buffer), m_src(std::move(src)), m_out(k_stream_buffer) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    while (m_out_pos == m_out_len) {
      if (m_finished) return 0;
      TRY(fill());
      m_out_pos = 0;
      TRY_ASSIGN(m_out_len, step(std::span<std::byte>(m_out)));
    }
    size_t n = std::min(buf.size(), m_out_len - m_out_pos);
    std::memcpy(buf.data(), m_out.data() + m_out_pos, n);
    m_out_pos += n;
    return n;
  }

protected:
  // Consumes m_in[m_in_pos, m_in_len) (m_in_eof: no more input), writes into `out`,
  // sets m_finished after the trailer; returns the bytes written.
  virtual Result<size_t> step(std::span<std::byte> out) = 0;

  std::vector<std::byte> m_in;
  size_t m_in_pos = 0, m_in_len = 0;
  bool m_in_eof = false;
  bool m_finished = false;

private:
  Status fill() {
    if (m_in_pos < m_in_len || m_in_eof) return {};
    TRY_ASSIGN(size_t n, m_src.get().read(m_in));
    m_in_pos = 0;
    m_in_len = n;
    m_in_eof = n == 0;
    return {};
  }

  Source m_src;
  std::vector<std::byte> m_out;
  size_t m_out_pos = 0, m_out_len = 0;
};

class IsalCompressor final : public BufferedCompressor {
public:
  IsalCompressor(Source src, int level) : BufferedCompressor(std::move(src)) {
    isal_deflate_init(&m_zs);
    static constexpr uint32_t k_level_buf[] = {0, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT,
                                               ISAL_DEF_LVL3_DEFAULT};
    m_level_buf.resize(k_level_buf[level]);
    m_zs.level = static_cast<uint32_t>(level);
    m_zs.level_buf = m_level_buf.empty() ? nullptr : m_level_buf.data();
    m_zs.level_buf_size = static_cast<uint32_t>(m_level_buf.size());
    m_zs.gzip_flag = IGZIP_GZIP;
  }

private:
  Result<size_t> step(std::span<std::byte> out) override {
    m_zs.next_in = reinterpret_cast<uint8_t*>(m_in.data() + m_in_pos);
    m_zs.avail_in = static_cast<uint32_t>(m_in_len - m_in_pos);
    m_zs.end_of_stream = m_in_eof ? 1 : 0;
    m_zs.next_out = reinterpret_cast<uint8_t*>(out.data());
    m_zs.avail_out = static_cast<uint32_t>(out.size());
    int ret = isal_deflate(&m_zs);
    if (ret != COMP_OK) return fail(ErrorKind::internal, fmt::format("isa-l deflate failed ({})", ret));
    m_in_pos = m_in_len - m_zs.avail_in;
    m_finished = m_zs.internal_state.state == ZSTATE_END;
    return out.size() - m_zs.avail_out;
  }

  isal_zstream m_zs{};
  std::vector<uint8_t> m_level_buf;
};

class ZlibCompressor final : public BufferedCompressor {
public:
  ZlibCompressor(Source src, int level) : BufferedCompressor(std::move(src)) {
    bool huffman = level == -2;
    m_ok = deflateInit2(&m_zs, huffman ? 1 : level, Z_DEFLATED, 15 + 16, 8,
                        huffman ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~ZlibCompressor() override {
    if (m_ok) deflateEnd(&m_zs);
  }
  bool ok() const { return m_ok; }

private:
  Result<size_t> step(std::span<std::byte> out) override {
    m_zs.next_in = reinterpret_cast<Bytef*>(m_in.data() + m_in_pos);
    m_zs.avail_in = static_cast<uInt>(m_in_len - m_in_pos);
    m_zs.next_out = reinterpret_cast<Bytef*>(out.data());
    m_zs.avail_out = static_cast<uInt>(out.size());
    int ret = deflate(&m_zs, m_in_eof ? Z_FINISH : Z_NO_FLUSH);
    if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
      return fail(ErrorKind::internal, fmt::format("zlib deflate failed ({})", ret));
    m_in_pos = m_in_len - m_zs.avail_in;
    m_finished = ret == Z_STREAM_END;
    return out.size() - m_zs.avail_out;
  }

  z_stream m_zs{};
  bool m_ok = false;
};

} // namespace

Result<ReaderPtr> gzip_decompressor(Source src) { return std::make_unique<GzipDecompressor>(std::move(src)); }

Result<ReaderPtr> gzip_compressor(Source src, int level) {
  if (level < -2 || level > 9)
    return fail(ErrorKind::invalid_input, fmt::format("gzip: invalid compression level: {}", level));
  if (level == -1) level = k_isal_default_level;
  if (level >= 1 && level <= ISAL_DEF_MAX_LEVEL) return std::make_unique<IsalCompressor>(std::move(src), level);
  auto z = std::make_unique<ZlibCompressor>(std::move(src), level);
  if (!z->ok()) return fail(ErrorKind::internal, "zlib deflateInit2 failed");
  return z;
}

} // namespace hoist::compress::detail
