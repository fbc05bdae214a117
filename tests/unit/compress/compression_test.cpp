// Codec tests against the system gzip / zstd / bzip2 / xz tools: our output must
// decompress with them to the original bytes, and theirs must decompress with ours.
// Test data is generated into a temp dir: part of a tar of /usr/share/doc (real,
// compressible), pseudo-random bytes (incompressible) and zeros.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hoist/compress/compression.hpp"

using namespace hoist;
using namespace hoist::compress;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

bool have_tool(const std::string& tool) { return run("command -v " + tool + " >/dev/null 2>&1") == 0; }

class Compress : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/hoist-compress-XXXXXX";
    s_dir = mkdtemp(tmpl);
    // Uncompressed documentation files only (the *.gz changelogs would not compress).
    run("find /usr/share/doc -type f ! -name '*.gz' | head -3000 | tar cf - -T - 2>/dev/null | head -c 4194304 > " +
        (s_dir / "doc.tar").string());
    s_text = read_file(s_dir / "doc.tar");
    std::mt19937_64 rng(42);
    s_random.resize(1536 * 1024 + 7);
    for (auto& c : s_random) c = static_cast<char>(rng());
  }
  static void TearDownTestSuite() { fs::remove_all(s_dir); }

  // Runs `cmd` with {in} and {out} replaced by temp files; returns {out}'s contents.
  static std::string tool(const std::string& cmd, const std::string& input) {
    auto in = s_dir / "tool.in", out = s_dir / "tool.out";
    write_file(in, input);
    std::string c = cmd;
    c.replace(c.find("{in}"), 4, in.string());
    c.replace(c.find("{out}"), 5, out.string());
    EXPECT_EQ(run(c), 0) << c;
    return read_file(out);
  }

  static inline fs::path s_dir;
  static inline std::string s_text, s_random;
};

Result<std::string> decompress(const std::string& data, Algorithm alg, std::optional<uint64_t> limit = {}) {
  TRY_ASSIGN(auto r, decompressor(std::make_unique<MemoryReader>(data), alg, limit));
  return read_all(*r, SIZE_MAX);
}

std::string compress_all(const std::string& data, Algorithm alg, std::optional<int> level = {}) {
  auto r = compressor(std::make_unique<MemoryReader>(data), alg, level);
  EXPECT_TRUE(r) << r.error().what();
  auto out = read_all(**r, SIZE_MAX);
  EXPECT_TRUE(out) << out.error().what();
  return *out;
}

// Reads through a 1-byte buffer to exercise every partial-output path.
std::string decompress_bytewise(const std::string& data, Algorithm alg) {
  auto r = decompressor(std::make_unique<MemoryReader>(data), alg);
  EXPECT_TRUE(r);
  std::string out;
  std::byte b;
  for (;;) {
    auto n = (*r)->read(std::span<std::byte>(&b, 1));
    EXPECT_TRUE(n) << n.error().what();
    if (!n || *n == 0) return out;
    out.push_back(static_cast<char>(b));
  }
}

std::span<const std::byte> bytes(const std::string& s) { return as_bytes(s); }

} // namespace

TEST_F(Compress, DetectsMagicOfRealStreams) {
  ASSERT_GT(s_text.size(), 1000000u);
  EXPECT_EQ(detect(bytes(tool("gzip -c {in} > {out}", "hello"))), Algorithm::gzip);
  EXPECT_EQ(detect(bytes(tool("zstd -q -c {in} > {out}", "hello"))), Algorithm::zstd);
  EXPECT_EQ(detect(bytes(tool("bzip2 -c {in} > {out}", "hello"))), Algorithm::bzip2);
  EXPECT_EQ(detect(bytes(tool("xz -c {in} > {out}", "hello"))), Algorithm::xz);
  EXPECT_EQ(detect(bytes(s_text)), Algorithm::none);
  EXPECT_EQ(detect(bytes(std::string("\x1f\x8b", 2))), Algorithm::none); // too short
  EXPECT_EQ(detect(bytes(std::string("\x1f\x8b\x07", 3))), Algorithm::none);
  EXPECT_EQ(detect(bytes(std::string("\xfd" "7zXZ", 5))), Algorithm::none);
  EXPECT_EQ(detect({}), Algorithm::none);
}

TEST_F(Compress, Names) {
  EXPECT_EQ(algorithm_by_name("gzip").value(), Algorithm::gzip);
  EXPECT_EQ(algorithm_by_name("zstd").value(), Algorithm::zstd);
  EXPECT_EQ(algorithm_by_name("bzip2").value(), Algorithm::bzip2);
  EXPECT_EQ(algorithm_by_name("xz").value(), Algorithm::xz);
  EXPECT_EQ(algorithm_by_name("lz4").error().what(), "cannot find compressor for \"lz4\"");
  EXPECT_EQ(algorithm_name(Algorithm::zstd), "zstd");
}

TEST_F(Compress, PeekReaderReplaysPrefix) {
  auto data = s_text.substr(0, 100000);
  PeekReader p(std::make_unique<MemoryReader>(data));
  auto first = p.peek(6);
  ASSERT_TRUE(first);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(first->data()), first->size()), data.substr(0, 6));
  auto more = p.peek(1000);
  ASSERT_TRUE(more);
  EXPECT_EQ(more->size(), 1000u);
  EXPECT_EQ(read_all(p, SIZE_MAX).value(), data);

  PeekReader short_stream(std::make_unique<MemoryReader>("ab"));
  EXPECT_EQ(short_stream.peek(6)->size(), 2u);
  EXPECT_EQ(read_all(short_stream, SIZE_MAX).value(), "ab");

  auto gz = tool("gzip -c {in} > {out}", data);
  auto d = detect_stream(std::make_unique<MemoryReader>(gz));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->algorithm, Algorithm::gzip);
  EXPECT_EQ(decompress(read_all(*d->reader, SIZE_MAX).value(), d->algorithm).value(), data);
}

TEST_F(Compress, GzipFromSystemTool) {
  for (const auto* data : {&s_text, &s_random}) {
    for (const char* level : {"-1", "-6", "-9"}) {
      auto gz = tool(std::string("gzip ") + level + " -c {in} > {out}", *data);
      auto out = decompress(gz, Algorithm::gzip);
      ASSERT_TRUE(out) << out.error().what();
      EXPECT_TRUE(*out == *data) << level;
    }
  }
  EXPECT_EQ(decompress(tool("gzip -c {in} > {out}", ""), Algorithm::gzip).value(), "");
}

TEST_F(Compress, GzipMultiMember) {
  auto a = s_text.substr(0, 700000), b = s_text.substr(700000, 900000);
  auto gz = tool("gzip -c {in} > {out}", a) + tool("gzip -c {in} > {out}", "") + tool("gzip -9 -c {in} > {out}", b);
  EXPECT_TRUE(decompress(gz, Algorithm::gzip).value() == a + b);
  EXPECT_EQ(decompress_bytewise(tool("gzip -c {in} > {out}", "xy") + tool("gzip -c {in} > {out}", "z"),
                                Algorithm::gzip),
            "xyz");
}

TEST_F(Compress, GzipToSystemTool) {
  for (int level : {-2, -1, 0, 1, 2, 3, 4, 6, 9}) {
    SCOPED_TRACE(level);
    auto gz = compress_all(s_text, Algorithm::gzip, level);
    EXPECT_EQ(detect(bytes(gz)), Algorithm::gzip);
    EXPECT_TRUE(tool("gzip -dc {in} > {out}", gz) == s_text);
    if (level != 0 && level != -2) {
      EXPECT_LT(gz.size(), s_text.size() / 2);
    }
    EXPECT_TRUE(decompress(gz, Algorithm::gzip).value() == s_text);
  }
  auto gz = compress_all(s_random, Algorithm::gzip);
  EXPECT_TRUE(tool("gzip -dc {in} > {out}", gz) == s_random);
  EXPECT_EQ(tool("gzip -dc {in} > {out}", compress_all("", Algorithm::gzip)), "");
}

TEST_F(Compress, GzipLevels) {
  EXPECT_EQ(compressor(std::make_unique<MemoryReader>(""), Algorithm::gzip, 10).error().what(),
            "gzip: invalid compression level: 10");
  EXPECT_EQ(compressor(std::make_unique<MemoryReader>(""), Algorithm::gzip, -3).error().what(),
            "gzip: invalid compression level: -3");
}

TEST_F(Compress, GzipErrors) {
  auto gz = tool("gzip -c {in} > {out}", s_text.substr(0, 300000));
  for (size_t cut : {size_t{5}, size_t{12}, gz.size() / 2, gz.size() - 4, gz.size() - 1}) {
    SCOPED_TRACE(cut);
    EXPECT_EQ(decompress(gz.substr(0, cut), Algorithm::gzip).error().what(), "unexpected EOF");
  }
  EXPECT_EQ(decompress("", Algorithm::gzip).error().what(), "EOF");

  auto bad_crc = gz;
  bad_crc[bad_crc.size() - 6] ^= 1;
  EXPECT_EQ(decompress(bad_crc, Algorithm::gzip).error().what(), "gzip: invalid checksum");
  auto bad_size = gz;
  bad_size[bad_size.size() - 2] ^= 1;
  EXPECT_EQ(decompress(bad_size, Algorithm::gzip).error().what(), "gzip: invalid checksum");

  EXPECT_EQ(decompress(gz + std::string(16, 'x'), Algorithm::gzip).error().what(), "gzip: invalid header");
  EXPECT_EQ(decompress("not gzip at all", Algorithm::gzip).error().what(), "gzip: invalid header");

  auto corrupt = gz;
  for (size_t i = 20; i < 60; ++i) corrupt[i] = '\xff';
  auto r = decompress(corrupt, Algorithm::gzip);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what().rfind("flate: corrupt input before offset ", 0), 0u) << r.error().what();
}

TEST_F(Compress, ZstdBothWays) {
  for (const auto* data : {&s_text, &s_random}) {
    auto theirs = tool("zstd -q -c {in} > {out}", *data);
    EXPECT_TRUE(decompress(theirs, Algorithm::zstd).value() == *data);
    for (int level : {1, 3, 9, 20}) {
      SCOPED_TRACE(level);
      auto input = level > 9 ? data->substr(0, 500000) : *data;
      auto ours = compress_all(input, Algorithm::zstd, level);
      EXPECT_EQ(detect(bytes(ours)), Algorithm::zstd);
      EXPECT_TRUE(tool("zstd -q -d -c {in} > {out}", ours) == input);
    }
  }
  EXPECT_EQ(tool("zstd -q -d -c {in} > {out}", compress_all("", Algorithm::zstd)), "");
  EXPECT_LT(compress_all(s_text, Algorithm::zstd).size(), s_text.size() / 2);
  // Concatenated frames decode as one stream.
  auto two = tool("zstd -q -c {in} > {out}", "abc") + tool("zstd -q -c {in} > {out}", "def");
  EXPECT_EQ(decompress(two, Algorithm::zstd).value(), "abcdef");
  EXPECT_EQ(decompress_bytewise(two, Algorithm::zstd), "abcdef");
}

TEST_F(Compress, ZstdErrors) {
  auto z = tool("zstd -q -c {in} > {out}", s_text.substr(0, 300000));
  for (size_t cut : {size_t{3}, z.size() / 2, z.size() - 1}) {
    SCOPED_TRACE(cut);
    EXPECT_EQ(decompress(z.substr(0, cut), Algorithm::zstd).error().what(), "unexpected EOF");
  }
  auto bad = decompress("definitely not zstd", Algorithm::zstd);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what().rfind("zstd: ", 0), 0u);
  // Like c/image (klauspost EncoderLevelFromZstd), any level is accepted: clamped to 1..22.
  for (int level : {-1, 0, 23, 99}) {
    auto c = compressor(std::make_unique<MemoryReader>("payload"), Algorithm::zstd, level);
    ASSERT_TRUE(c) << level;
    auto packed = read_all(**c, 1 << 20);
    ASSERT_TRUE(packed) << level;
    EXPECT_EQ(decompress(*packed, Algorithm::zstd).value(), "payload") << level;
  }
}

TEST_F(Compress, Bzip2AndXzDecompressOnly) {
  auto data = s_text.substr(0, 1000000);
  EXPECT_TRUE(decompress(tool("bzip2 -c {in} > {out}", data), Algorithm::bzip2).value() == data);
  EXPECT_TRUE(decompress(tool("xz -c {in} > {out}", data), Algorithm::xz).value() == data);
  EXPECT_EQ(decompress_bytewise(tool("xz -c {in} > {out}", "hello"), Algorithm::xz), "hello");
  EXPECT_EQ(decompress("plain text", Algorithm::bzip2).error().what(), "bzip2 data invalid: bad magic value");
  EXPECT_EQ(decompress("plain text", Algorithm::xz).error().what(), "xz: invalid header magic bytes");
  EXPECT_FALSE(decompress(tool("xz -c {in} > {out}", data).substr(0, 5000), Algorithm::xz));
  EXPECT_EQ(compressor(std::make_unique<MemoryReader>(""), Algorithm::bzip2).error().what(),
            "bzip2 compression not supported");
}

TEST_F(Compress, LimitStopsExpansion) {
  auto gz = compress_all(s_text, Algorithm::gzip);
  auto z = compress_all(s_text, Algorithm::zstd);
  for (auto [data, alg] : {std::pair{gz, Algorithm::gzip}, std::pair{z, Algorithm::zstd}}) {
    EXPECT_TRUE(decompress(data, alg, s_text.size()).value() == s_text);
    EXPECT_EQ(decompress(data, alg, s_text.size() - 1).error().what(),
              "decompressed data exceeds the expected size of " + std::to_string(s_text.size() - 1) + " bytes");
  }
  // A small "bomb": 64 MiB of zeros from a few KiB; the limit stops it early.
  auto bomb = compress_all(std::string(64 << 20, '\0'), Algorithm::gzip, 9);
  EXPECT_LT(bomb.size(), 200000u);
  EXPECT_FALSE(decompress(bomb, Algorithm::gzip, 1 << 20));
  EXPECT_EQ(decompress("abc", Algorithm::none, 2).error().what(), "decompressed data exceeds the expected size of 2 bytes");
}

TEST_F(Compress, BorrowedReaders) {
  MemoryReader src(s_text.substr(0, 200000));
  auto c = compressor(src, Algorithm::zstd);
  ASSERT_TRUE(c);
  auto z = read_all(**c, SIZE_MAX).value();
  MemoryReader zsrc(z);
  auto d = decompressor(zsrc, Algorithm::zstd);
  ASSERT_TRUE(d);
  EXPECT_TRUE(read_all(**d, SIZE_MAX).value() == s_text.substr(0, 200000));
  EXPECT_TRUE(have_tool("zstd"));
}
