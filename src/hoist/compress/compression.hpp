// Layer (de)compression as pull streams. A copy reads blob → detect → decompress →
// recompress → upload without ever holding a whole blob: every codec here is a Reader
// wrapping another Reader and works in k_stream_buffer-sized windows.
//
// gzip: isa-l inflate (2.4× zlib) for every stream, isa-l deflate for the fast levels,
// zlib for 0 and 4–9. zstd: libzstd, two compression workers. bzip2/xz: decompression
// only, through libarchive's raw reader (skopeo can't compress bzip2 either).
// Compressed bytes differ from skopeo's (Go pgzip / klauspost zstd); only the
// decompressed content is comparable.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::compress {

enum class Algorithm { none, gzip, zstd, bzip2, xz };

// "gzip", "zstd", "bzip2", "xz"; "none" for Algorithm::none.
std::string_view algorithm_name(Algorithm a);
// c/image AlgorithmByName for the plain formats; `cannot find compressor for "x"` otherwise.
// ("zstd:chunked" is a copy-level variant of zstd and is not accepted here.)
Result<Algorithm> algorithm_by_name(std::string_view name);

// Bytes detect() needs to see (the xz magic is the longest).
inline constexpr size_t k_magic_size = 6;
// By magic number: gzip 1F 8B 08, zstd 28 B5 2F FD, bzip2 42 5A 68, xz FD 37 7A 58 5A 00.
Algorithm detect(std::span<const std::byte> prefix);

// Lets a caller look at the first bytes of a stream, then reads them again.
class PeekReader final : public Reader {
public:
  explicit PeekReader(ReaderPtr inner);
  explicit PeekReader(Reader& inner); // `inner` must outlive this reader
  // Up to `n` leading bytes; fewer only when the stream is shorter. Valid until read().
  Result<std::span<const std::byte>> peek(size_t n);
  Result<size_t> read(std::span<std::byte> buf) override;

private:
  ReaderPtr m_owned;
  Reader* m_inner;
  std::vector<std::byte> m_buf;
  size_t m_pos = 0;
  bool m_eof = false;
};

// A stream whose compression has been detected; `reader` yields the original bytes.
struct Detected {
  Algorithm algorithm = Algorithm::none;
  std::unique_ptr<PeekReader> reader;
};
Result<Detected> detect_stream(ReaderPtr inner);

// Decompresses `alg` (none = pass through). With `limit`, reading fails as soon as the
// output would exceed `limit` bytes. gzip accepts concatenated members, zstd
// concatenated frames. bzip2 and xz need the stream to start with their magic.
Result<ReaderPtr> decompressor(ReaderPtr inner, Algorithm alg, std::optional<uint64_t> limit = {});
Result<ReaderPtr> decompressor(Reader& inner, Algorithm alg, std::optional<uint64_t> limit = {});

// Compresses to `alg` (none = pass through). Levels: gzip -2 (Huffman only), -1 or
// unset (default: isa-l level 1), 0 (stored), 1–3 isa-l, 4–9 zlib; zstd 1–22, default 3.
// Other levels fail with Go's "gzip: invalid compression level: N" style text.
// `threads` > 1 lets zstd compress on that many worker threads (gzip is single-threaded).
Result<ReaderPtr> compressor(ReaderPtr inner, Algorithm alg, std::optional<int> level = {}, int threads = 2);
Result<ReaderPtr> compressor(Reader& inner, Algorithm alg, std::optional<int> level = {}, int threads = 2);

// Fails with an error once more than `limit` bytes pass through.
class LimitReader final : public Reader {
public:
  LimitReader(ReaderPtr inner, uint64_t limit) : m_inner(std::move(inner)), m_limit(limit) {}
  Result<size_t> read(std::span<std::byte> buf) override;

private:
  ReaderPtr m_inner;
  uint64_t m_limit;
  uint64_t m_count = 0;
};

} // namespace hoist::compress
