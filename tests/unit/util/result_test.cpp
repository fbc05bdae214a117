#include <gtest/gtest.h>

#include "hoist/util/result.hpp"

using namespace hoist;

namespace {
Result<int> parse_positive(int v) {
  if (v <= 0) return fail(ErrorKind::invalid_input, "not positive");
  return v;
}
Result<int> doubled(int v) {
  TRY_ASSIGN(int x, parse_positive(v));
  return 2 * x;
}
} // namespace

TEST(Result, TryAssignPropagatesValueAndError) {
  EXPECT_EQ(*doubled(4), 8);
  auto r = doubled(-1);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "not positive");
}

TEST(Result, WrapBuildsGoStyleChainAndKeepsKind) {
  Error inner(ErrorKind::manifest_unknown, "manifest unknown");
  Error outer = inner.wrap("reading manifest latest in r/x").wrap("initializing source docker://r/x:latest");
  EXPECT_EQ(outer.what(), "initializing source docker://r/x:latest: reading manifest latest in r/x: manifest unknown");
  EXPECT_EQ(outer.kind(), ErrorKind::manifest_unknown);
  EXPECT_EQ(outer.message(), "initializing source docker://r/x:latest");
}

TEST(Result, RetryableKinds) {
  EXPECT_TRUE(Error(ErrorKind::network, "x").retryable());
  EXPECT_TRUE(Error(ErrorKind::rate_limited, "x").retryable());
  EXPECT_FALSE(Error(ErrorKind::unauthorized, "x").retryable());
  EXPECT_FALSE(Error(ErrorKind::digest_mismatch, "x").retryable());
}
