// Internal: the codec constructors behind compression.hpp's factories.
#pragma once

#include "hoist/compress/compression.hpp"

namespace hoist::compress::detail {

// Owns a Reader or borrows one; the codecs pull their input through it.
class Source {
public:
  explicit Source(ReaderPtr owned) : m_owned(std::move(owned)), m_reader(m_owned.get()) {}
  explicit Source(Reader& borrowed) : m_reader(&borrowed) {}
  Reader& get() { return *m_reader; }

private:
  ReaderPtr m_owned;
  Reader* m_reader;
};

// Pass-through Reader over a Source (Algorithm::none).
class PassReader final : public Reader {
public:
  explicit PassReader(Source src) : m_src(std::move(src)) {}
  Result<size_t> read(std::span<std::byte> buf) override { return m_src.get().read(buf); }

private:
  Source m_src;
};

Result<ReaderPtr> gzip_decompressor(Source src);
Result<ReaderPtr> gzip_compressor(Source src, int level);
Result<ReaderPtr> zstd_decompressor(Source src);
Result<ReaderPtr> zstd_compressor(Source src, int level, int threads);
// bzip2 / xz through libarchive's raw format.
Result<ReaderPtr> archive_decompressor(Source src, Algorithm alg);

inline constexpr int k_gzip_default_level = -1;
inline constexpr int k_zstd_default_level = 3;

} // namespace hoist::compress::detail
