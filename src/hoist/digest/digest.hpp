// Content digests "algo:hex". A Digest is always validated (known algorithm, exact hex
// length, lowercase hex), so its hex part is safe to use as a file name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist {

enum class DigestAlgorithm { sha256, sha512 };

class Digest {
public:
  // Parses and validates; errors read like go-digest's ("invalid checksum digest format").
  static Result<Digest> parse(std::string_view text);
  // Digest of bytes held in memory.
  static Digest of(std::string_view data, DigestAlgorithm algo = DigestAlgorithm::sha256);

  DigestAlgorithm algorithm() const { return m_algo; }
  std::string_view algorithm_name() const;
  const std::string& hex() const { return m_hex; }
  std::string str() const;
  // File name skopeo's dir: transport uses: "<hex>" for sha256, "<alg>-<hex>" otherwise.
  std::string dir_name() const;

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest& a, const Digest& b) { return a.str() <=> b.str(); }

private:
  friend class Hasher;
  Digest(DigestAlgorithm algo, std::string hex) : m_algo(algo), m_hex(std::move(hex)) {}
  DigestAlgorithm m_algo = DigestAlgorithm::sha256;
  std::string m_hex;
};

// Streaming hash (OpenSSL EVP; uses the CPU's SHA extensions where present).
class Hasher {
public:
  explicit Hasher(DigestAlgorithm algo = DigestAlgorithm::sha256);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void update(std::span<const std::byte> data);
  void update(std::string_view data) { update(as_bytes(data)); }
  Digest finish();

private:
  DigestAlgorithm m_algo;
  void* m_ctx;
};

// Wraps a Reader; hashes and counts what passes through. At the end of the stream it
// fails unless the size (when known, >= 0) and the digest match the expected ones.
// Reading past the expected size fails at once, so a lying stream is cut short.
class VerifyingReader final : public Reader {
public:
  VerifyingReader(Reader& inner, Digest expected, int64_t expected_size);
  Result<size_t> read(std::span<std::byte> buf) override;
  uint64_t bytes_read() const { return m_count; }

private:
  Reader& m_inner;
  Digest m_expected;
  int64_t m_expected_size;
  Hasher m_hasher;
  uint64_t m_count = 0;
  bool m_done = false;
};

// Wraps a Reader and computes the digest of what passes, without expectations.
class HashingReader final : public Reader {
public:
  explicit HashingReader(Reader& inner, DigestAlgorithm algo = DigestAlgorithm::sha256)
      : m_inner(inner), m_hasher(algo) {}
  Result<size_t> read(std::span<std::byte> buf) override;
  // Valid after read() returned 0.
  const Digest& digest() const { return *m_digest; }
  uint64_t bytes_read() const { return m_count; }

private:
  Reader& m_inner;
  Hasher m_hasher;
  uint64_t m_count = 0;
  std::unique_ptr<Digest> m_digest;
};

} // namespace hoist

template <> struct std::hash<hoist::Digest> {
  size_t operator()(const hoist::Digest& d) const noexcept { return std::hash<std::string>()(d.hex()); }
};
