// zstd streams with libzstd. Compression may run worker threads (libzstd is built with
// ZSTD_MULTITHREAD; 2 workers give 2× throughput at level 3, but each holds several MiB of
// job buffers, so the copy engine asks for them only when one layer is compressed) and writes the content checksum like
// klauspost/compress does by default. Decompression accepts concatenated and skippable
// frames and windows up to 512 MiB (klauspost's default limit).
#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <zstd.h>

#include "hoist/compress/codecs.hpp"

namespace hoist::compress::detail {

namespace {

constexpr int k_max_window_log = 29;

Error zstd_error(size_t code) {
  return Error(ErrorKind::invalid_input, fmt::format("zstd: {}", ZSTD_getErrorName(code)));
}

class ZstdDecompressor final : public Reader {
public:
  explicit ZstdDecompressor(Source src) : m_src(std::move(src)), m_in(k_stream_buffer), m_ds(ZSTD_createDStream()) {
    ZSTD_DCtx_setParameter(m_ds, ZSTD_d_windowLogMax, k_max_window_log);
  }
  ~ZstdDecompressor() override { ZSTD_freeDStream(m_ds); }
  ZstdDecompressor(const ZstdDecompressor&) = delete;
  ZstdDecompressor& operator=(const ZstdDecompressor&) = delete;

  Result<size_t> read(std::span<std::byte> buf) override {
    if (buf.empty()) return 0;
    ZSTD_outBuffer out{buf.data(), buf.size(), 0};
    for (;;) {
      TRY(fill());
      size_t in_before = m_inbuf.pos;
      size_t ret = ZSTD_decompressStream(m_ds, &out, &m_inbuf);
      if (ZSTD_isError(ret)) return fail(zstd_error(ret));
      // Only a call that moved data tells whether a frame is still open.
      if (m_inbuf.pos != in_before || out.pos > 0) m_frame_open = ret != 0;
      if (out.pos > 0) return out.pos;
      if (m_inbuf.pos == m_inbuf.size && m_eof) {
        if (m_total_in == 0) return fail(ErrorKind::invalid_input, "EOF");
        if (m_frame_open) return fail(ErrorKind::invalid_input, "unexpected EOF");
        return 0;
      }
    }
  }

private:
  Status fill() {
    if (m_inbuf.pos < m_inbuf.size || m_eof) return {};
    TRY_ASSIGN(size_t n, m_src.get().read(m_in));
    m_eof = n == 0;
    m_total_in += n;
    m_inbuf = ZSTD_inBuffer{m_in.data(), n, 0};
    return {};
  }

  Source m_src;
  std::vector<std::byte> m_in;
  ZSTD_DStream* m_ds;
  ZSTD_inBuffer m_inbuf{nullptr, 0, 0};
  uint64_t m_total_in = 0;
  bool m_eof = false;
  bool m_frame_open = false;
};

class ZstdCompressor final : public Reader {
public:
  ZstdCompressor(Source src, ZSTD_CCtx* cctx)
      : m_src(std::move(src)), m_in(k_stream_buffer), m_out(k_stream_buffer), m_cctx(cctx) {}
  ~ZstdCompressor() override { ZSTD_freeCCtx(m_cctx); }
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  Result<size_t> read(std::span<std::byte> buf) override {
    while (m_out_pos == m_out_len) {
      if (m_finished) return 0;
      TRY(step());
    }
    size_t n = std::min(buf.size(), m_out_len - m_out_pos);
    std::memcpy(buf.data(), m_out.data() + m_out_pos, n);
    m_out_pos += n;
    return n;
  }

private:
  Status step() {
    if (m_inbuf.pos == m_inbuf.size && !m_eof) {
      TRY_ASSIGN(size_t n, m_src.get().read(m_in));
      m_eof = n == 0;
      m_inbuf = ZSTD_inBuffer{m_in.data(), n, 0};
    }
    ZSTD_outBuffer out{m_out.data(), m_out.size(), 0};
    size_t ret = ZSTD_compressStream2(m_cctx, &out, &m_inbuf, m_eof ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(ret)) return fail(ErrorKind::internal, fmt::format("zstd: {}", ZSTD_getErrorName(ret)));
    m_out_pos = 0;
    m_out_len = out.pos;
    m_finished = m_eof && ret == 0;
    return {};
  }

  Source m_src;
  std::vector<std::byte> m_in, m_out;
  ZSTD_CCtx* m_cctx;
  ZSTD_inBuffer m_inbuf{nullptr, 0, 0};
  size_t m_out_pos = 0, m_out_len = 0;
  bool m_eof = false;
  bool m_finished = false;
};

} // namespace

Result<ReaderPtr> zstd_decompressor(Source src) { return std::make_unique<ZstdDecompressor>(std::move(src)); }

Result<ReaderPtr> zstd_compressor(Source src, int level, int threads) {
  // klauspost's EncoderLevelFromZstd (c/image) accepts any level; out-of-range ones are
  // clamped to libzstd's 1..max.
  level = std::clamp(level, 1, ZSTD_maxCLevel());
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  // Fails harmlessly (single-threaded) if libzstd lacks multithreading.
  if (threads > 1) ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, threads);
  return std::make_unique<ZstdCompressor>(std::move(src), cctx);
}

} // namespace hoist::compress::detail
