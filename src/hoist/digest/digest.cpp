#include "hoist/digest/digest.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

namespace hoist {

namespace {

size_t hex_length(DigestAlgorithm algo) { return algo == DigestAlgorithm::sha256 ? 64 : 128; }

bool is_lower_hex(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

const EVP_MD* evp(DigestAlgorithm algo) { return algo == DigestAlgorithm::sha256 ? EVP_sha256() : EVP_sha512(); }

} // namespace

Result<Digest> Digest::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
    return fail(ErrorKind::invalid_input, "invalid checksum digest format");
  auto alg = text.substr(0, colon);
  auto hex = text.substr(colon + 1);
  DigestAlgorithm algo;
  if (alg == "sha256") algo = DigestAlgorithm::sha256;
  else if (alg == "sha512") algo = DigestAlgorithm::sha512;
  else return fail(ErrorKind::unsupported, "unsupported digest algorithm");
  if (hex.size() != hex_length(algo) || !is_lower_hex(hex))
    return fail(ErrorKind::invalid_input, "invalid checksum digest length");
  return Digest(algo, std::string(hex));
}

Digest Digest::of(std::string_view data, DigestAlgorithm algo) {
  Hasher h(algo);
  h.update(data);
  return h.finish();
}

std::string_view Digest::algorithm_name() const { return m_algo == DigestAlgorithm::sha256 ? "sha256" : "sha512"; }
std::string Digest::str() const { return fmt::format("{}:{}", algorithm_name(), m_hex); }
std::string Digest::dir_name() const {
  return m_algo == DigestAlgorithm::sha256 ? m_hex : fmt::format("{}-{}", algorithm_name(), m_hex);
}

Hasher::Hasher(DigestAlgorithm algo) : m_algo(algo), m_ctx(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), evp(algo), nullptr);
}
Hasher::~Hasher() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(m_ctx)); }

void Hasher::update(std::span<const std::byte> data) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(m_ctx), data.data(), data.size());
}

Digest Hasher::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(m_ctx), md, &len);
  static const char* k_hex = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    hex[2 * i] = k_hex[md[i] >> 4];
    hex[2 * i + 1] = k_hex[md[i] & 15];
  }
  EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(m_ctx), evp(m_algo), nullptr);
  return Digest(m_algo, std::move(hex));
}

VerifyingReader::VerifyingReader(Reader& inner, Digest expected, int64_t expected_size)
    : m_inner(inner), m_expected(std::move(expected)), m_expected_size(expected_size),
      m_hasher(m_expected.algorithm()) {}

Result<size_t> VerifyingReader::read(std::span<std::byte> buf) {
  if (m_done) return 0;
  TRY_ASSIGN(size_t n, m_inner.read(buf));
  m_count += n;
  bool sized = m_expected_size >= 0;
  if (sized && m_count > static_cast<uint64_t>(m_expected_size))
    return fail(ErrorKind::digest_mismatch,
                fmt::format("Digest did not match, expected {}: stream is longer than the expected {} bytes",
                            m_expected.str(), m_expected_size));
  if (n > 0) m_hasher.update(std::span<const std::byte>(buf.data(), n));
  // Verify as soon as the declared size is reached, not at the next read: a consumer that
  // stops at Content-Length (an HTTP upload) must see the failure before it finishes.
  bool complete = sized ? m_count == static_cast<uint64_t>(m_expected_size) : n == 0;
  if (!complete) {
    if (n == 0) return fail(ErrorKind::digest_mismatch,
                            fmt::format("Digest did not match, expected {}, got {}", m_expected.str(),
                                        m_hasher.finish().str()));
    return n;
  }
  m_done = true;
  Digest got = m_hasher.finish();
  if (got != m_expected)
    return fail(ErrorKind::digest_mismatch,
                fmt::format("Digest did not match, expected {}, got {}", m_expected.str(), got.str()));
  return n;
}

Result<size_t> HashingReader::read(std::span<std::byte> buf) {
  TRY_ASSIGN(size_t n, m_inner.read(buf));
  if (n == 0) {
    if (!m_digest) m_digest = std::make_unique<Digest>(m_hasher.finish());
    return 0;
  }
  m_count += n;
  m_hasher.update(std::span<const std::byte>(buf.data(), n));
  return n;
}

} // namespace hoist
