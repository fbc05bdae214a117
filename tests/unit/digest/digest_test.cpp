#include <gtest/gtest.h>

#include "hoist/digest/digest.hpp"

using namespace hoist;

namespace {
const std::string k_empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

TEST(Digest, ParsesAndPrints) {
  auto d = Digest::parse(k_empty);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->str(), k_empty);
  EXPECT_EQ(d->dir_name(), k_empty.substr(7));
  EXPECT_EQ(Digest::of(""), *d);
}

TEST(Digest, RejectsMalformed) {
  EXPECT_EQ(Digest::parse("sha256").error().what(), "invalid checksum digest format");
  EXPECT_EQ(Digest::parse("sha256:abc").error().what(), "invalid checksum digest length");
  EXPECT_EQ(Digest::parse("md5:" + std::string(32, 'a')).error().what(), "unsupported digest algorithm");
  // Path characters never survive validation.
  EXPECT_FALSE(Digest::parse("sha256:../../../../etc/passwd" + std::string(36, 'a')));
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(64, 'A')));
}

TEST(Digest, Sha512) {
  auto d = Digest::of("abc", DigestAlgorithm::sha512);
  EXPECT_EQ(d.hex().substr(0, 16), "ddaf35a193617aba");
  EXPECT_EQ(d.dir_name().substr(0, 7), "sha512-");
}

TEST(VerifyingReader, AcceptsMatchingStream) {
  MemoryReader inner("hello");
  VerifyingReader v(inner, Digest::of("hello"), 5);
  auto all = read_all(v, 100);
  ASSERT_TRUE(all) << all.error().what();
  EXPECT_EQ(*all, "hello");
}

TEST(VerifyingReader, RejectsWrongDigestWithSkopeoText) {
  MemoryReader inner("hellO");
  VerifyingReader v(inner, Digest::of("hello"), 5);
  auto all = read_all(v, 100);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().what(),
            "Digest did not match, expected " + Digest::of("hello").str() + ", got " + Digest::of("hellO").str());
  EXPECT_EQ(all.error().kind(), ErrorKind::digest_mismatch);
}

TEST(VerifyingReader, StopsAStreamLongerThanDeclared) {
  MemoryReader inner(std::string(1000, 'x'));
  VerifyingReader v(inner, Digest::of("hello"), 5);
  EXPECT_FALSE(read_all(v, 10000));
}

TEST(VerifyingReader, FailsOnTheReadThatReachesTheDeclaredSize) {
  // An HTTP upload stops reading at Content-Length; the mismatch must surface then.
  MemoryReader inner("hellO");
  VerifyingReader v(inner, Digest::of("hello"), 5);
  std::vector<std::byte> buf(64);
  auto r = v.read(buf);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::digest_mismatch);
}

TEST(VerifyingReader, ShortStreamIsADigestMismatch) {
  MemoryReader inner("hell");
  VerifyingReader v(inner, Digest::of("hello"), 5);
  auto all = read_all(v, 100);
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().what(),
            "Digest did not match, expected " + Digest::of("hello").str() + ", got " + Digest::of("hell").str());
}
