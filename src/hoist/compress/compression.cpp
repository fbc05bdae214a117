#include "hoist/compress/compression.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>

#include "hoist/compress/codecs.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::compress {

namespace {

struct Magic {
  Algorithm algorithm;
  std::array<unsigned char, 6> bytes;
  size_t size;
};

constexpr std::array<Magic, 4> k_magics{{
    {Algorithm::gzip, {0x1f, 0x8b, 0x08}, 3},
    {Algorithm::bzip2, {0x42, 0x5a, 0x68}, 3},
    {Algorithm::xz, {0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00}, 6},
    {Algorithm::zstd, {0x28, 0xb5, 0x2f, 0xfd}, 4},
}};

Result<ReaderPtr> make_decompressor(detail::Source src, Algorithm alg) {
  switch (alg) {
  case Algorithm::none: return std::make_unique<detail::PassReader>(std::move(src));
  case Algorithm::gzip: return detail::gzip_decompressor(std::move(src));
  case Algorithm::zstd: return detail::zstd_decompressor(std::move(src));
  case Algorithm::bzip2:
  case Algorithm::xz: return detail::archive_decompressor(std::move(src), alg);
  }
  return fail(ErrorKind::internal, "unknown compression algorithm");
}

Result<ReaderPtr> limited(Result<ReaderPtr> r, std::optional<uint64_t> limit) {
  if (!r || !limit) return r;
  return std::make_unique<LimitReader>(std::move(*r), *limit);
}

Result<ReaderPtr> make_compressor(detail::Source src, Algorithm alg, std::optional<int> level, int threads) {
  switch (alg) {
  case Algorithm::none: return std::make_unique<detail::PassReader>(std::move(src));
  case Algorithm::gzip: return detail::gzip_compressor(std::move(src), level.value_or(detail::k_gzip_default_level));
  case Algorithm::zstd: return detail::zstd_compressor(std::move(src), level.value_or(detail::k_zstd_default_level), threads);
  case Algorithm::bzip2: return fail(ErrorKind::unsupported, "bzip2 compression not supported");
  case Algorithm::xz: return fail(ErrorKind::unsupported, "xz compression not supported");
  }
  return fail(ErrorKind::internal, "unknown compression algorithm");
}

} // namespace

std::string_view algorithm_name(Algorithm a) {
  switch (a) {
  case Algorithm::none: return "none";
  case Algorithm::gzip: return "gzip";
  case Algorithm::zstd: return "zstd";
  case Algorithm::bzip2: return "bzip2";
  case Algorithm::xz: return "xz";
  }
  return "";
}

Result<Algorithm> algorithm_by_name(std::string_view name) {
  for (auto a : {Algorithm::gzip, Algorithm::zstd, Algorithm::bzip2, Algorithm::xz})
    if (algorithm_name(a) == name) return a;
  return fail(ErrorKind::invalid_input, fmt::format("cannot find compressor for {}", go_quote(name)));
}

Algorithm detect(std::span<const std::byte> prefix) {
  for (const auto& m : k_magics)
    if (prefix.size() >= m.size && std::memcmp(prefix.data(), m.bytes.data(), m.size) == 0) return m.algorithm;
  return Algorithm::none;
}

PeekReader::PeekReader(ReaderPtr inner) : m_owned(std::move(inner)), m_inner(m_owned.get()) {}
PeekReader::PeekReader(Reader& inner) : m_inner(&inner) {}

Result<std::span<const std::byte>> PeekReader::peek(size_t n) {
  while (m_buf.size() - m_pos < n && !m_eof) {
    size_t have = m_buf.size();
    m_buf.resize(m_pos + n);
    auto got = m_inner->read(std::span<std::byte>(m_buf).subspan(have));
    if (!got) {
      m_buf.resize(have);
      return fail(got.error());
    }
    m_buf.resize(have + *got);
    m_eof = *got == 0;
  }
  return std::span<const std::byte>(m_buf).subspan(m_pos, std::min(n, m_buf.size() - m_pos));
}

Result<size_t> PeekReader::read(std::span<std::byte> buf) {
  if (m_pos == m_buf.size()) return m_inner->read(buf);
  size_t n = std::min(buf.size(), m_buf.size() - m_pos);
  std::memcpy(buf.data(), m_buf.data() + m_pos, n);
  m_pos += n;
  if (m_pos == m_buf.size()) {
    m_buf.clear();
    m_pos = 0;
  }
  return n;
}

Result<Detected> detect_stream(ReaderPtr inner) {
  Detected out;
  out.reader = std::make_unique<PeekReader>(std::move(inner));
  TRY_ASSIGN(auto prefix, out.reader->peek(k_magic_size));
  out.algorithm = detect(prefix);
  return out;
}

Result<ReaderPtr> decompressor(ReaderPtr inner, Algorithm alg, std::optional<uint64_t> limit) {
  return limited(make_decompressor(detail::Source(std::move(inner)), alg), limit);
}
Result<ReaderPtr> decompressor(Reader& inner, Algorithm alg, std::optional<uint64_t> limit) {
  return limited(make_decompressor(detail::Source(inner), alg), limit);
}

Result<ReaderPtr> compressor(ReaderPtr inner, Algorithm alg, std::optional<int> level, int threads) {
  return make_compressor(detail::Source(std::move(inner)), alg, level, threads);
}
Result<ReaderPtr> compressor(Reader& inner, Algorithm alg, std::optional<int> level, int threads) {
  return make_compressor(detail::Source(inner), alg, level, threads);
}

Result<size_t> LimitReader::read(std::span<std::byte> buf) {
  TRY_ASSIGN(size_t n, m_inner->read(buf));
  m_count += n;
  if (m_count > m_limit)
    return fail(ErrorKind::invalid_input,
                fmt::format("decompressed data exceeds the expected size of {} bytes", m_limit));
  return n;
}

} // namespace hoist::compress
