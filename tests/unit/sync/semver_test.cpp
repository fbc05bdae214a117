// images-by-semver: Masterminds/semver v3 versions and constraints.
#include <gtest/gtest.h>

#include "hoist/sync/semver.hpp"

namespace hoist::sync {
namespace {

bool matches(const char* constraint, const char* version) {
  auto c = Constraints::parse(constraint);
  EXPECT_TRUE(c) << constraint;
  auto v = parse_version(version);
  EXPECT_TRUE(v) << version;
  return c && v && c->check(*v);
}

TEST(Semver, ParsesLooseVersions) {
  EXPECT_TRUE(parse_version("1.2.3"));
  EXPECT_TRUE(parse_version("v1.2.3"));
  EXPECT_TRUE(parse_version("1.2"));
  EXPECT_TRUE(parse_version("1"));
  EXPECT_TRUE(parse_version("1.2.3-rc.1+build.5"));
  EXPECT_FALSE(parse_version("latest"));
  EXPECT_FALSE(parse_version("1.2.3.4"));
  EXPECT_FALSE(parse_version("1.2.3-01"));
  EXPECT_FALSE(parse_version(""));
  auto v = parse_version("v3.14-alpine");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->minor, 14u);
  EXPECT_EQ(v->prerelease, "alpine");
}

TEST(Semver, Precedence) {
  EXPECT_LT(compare(*parse_version("1.0.0-alpha"), *parse_version("1.0.0-alpha.1")), 0);
  EXPECT_LT(compare(*parse_version("1.0.0-alpha.1"), *parse_version("1.0.0-alpha.beta")), 0);
  EXPECT_LT(compare(*parse_version("1.0.0-rc.1"), *parse_version("1.0.0")), 0);
  EXPECT_LT(compare(*parse_version("1.0.0-2"), *parse_version("1.0.0-10")), 0);
  EXPECT_EQ(compare(*parse_version("1.0.0+a"), *parse_version("1.0.0+b")), 0);
}

TEST(Semver, Comparisons) {
  EXPECT_TRUE(matches(">=3.14", "3.14.0"));
  EXPECT_TRUE(matches(">=3.14", "3.15.2"));
  EXPECT_FALSE(matches(">=3.14", "3.13.9"));
  EXPECT_TRUE(matches("> 1.2", "1.3.0"));
  EXPECT_FALSE(matches(">1.2", "1.2.5")); // ">1.2" is ">=1.3.0"
  EXPECT_TRUE(matches("<2", "1.9.9"));
  EXPECT_FALSE(matches("<2", "2.0.0"));
  EXPECT_TRUE(matches("<=1.2", "1.2.9")); // "<=1.2" is "<1.3.0"
  EXPECT_TRUE(matches("!=1.2.3", "1.2.4"));
  EXPECT_FALSE(matches("!=1.2.3", "1.2.3"));
  EXPECT_TRUE(matches("=1.2.3", "v1.2.3"));
  EXPECT_TRUE(matches("=>1.0, =<2.0", "1.5.0"));
}

TEST(Semver, RangesAndOr) {
  EXPECT_TRUE(matches(">= 1.2, < 3.0.0", "2.9.0"));
  EXPECT_TRUE(matches(">= 1.2 < 3.0.0", "1.2.0"));
  EXPECT_FALSE(matches(">= 1.2, < 3.0.0", "3.0.0"));
  EXPECT_TRUE(matches("1.2 - 1.4.5", "1.4.5"));
  EXPECT_FALSE(matches("1.2 - 1.4.5", "1.4.6"));
  EXPECT_TRUE(matches("<1.0 || >=3.0", "3.1.0"));
  EXPECT_TRUE(matches("<1.0 || >=3.0", "0.5.0"));
  EXPECT_FALSE(matches("<1.0 || >=3.0", "2.0.0"));
}

TEST(Semver, TildeCaretWildcards) {
  EXPECT_TRUE(matches("~1.2.3", "1.2.9"));
  EXPECT_FALSE(matches("~1.2.3", "1.3.0"));
  EXPECT_TRUE(matches("~1", "1.9.0"));
  EXPECT_TRUE(matches("~>1.2", "1.2.7"));
  EXPECT_TRUE(matches("^1.2.3", "1.9.0"));
  EXPECT_FALSE(matches("^1.2.3", "2.0.0"));
  EXPECT_TRUE(matches("^0.2.3", "0.2.9"));
  EXPECT_FALSE(matches("^0.2.3", "0.3.0"));
  EXPECT_TRUE(matches("^0.0.3", "0.0.3"));
  EXPECT_FALSE(matches("^0.0.3", "0.0.4"));
  EXPECT_TRUE(matches("1.2.x", "1.2.7"));
  EXPECT_FALSE(matches("1.2.x", "1.3.0"));
  EXPECT_TRUE(matches("1.x", "1.7.0"));
  EXPECT_TRUE(matches("*", "7.0.0"));
  EXPECT_TRUE(matches("1.2", "1.2.4")); // missing parts are wildcards
}

TEST(Semver, PrereleasesNeedAPrereleaseConstraint) {
  EXPECT_FALSE(matches(">=1.0", "1.2.0-rc.1"));
  EXPECT_TRUE(matches(">=1.2.0-rc.0", "1.2.0-rc.1"));
  EXPECT_FALSE(matches("*", "1.0.0-alpine"));
}

TEST(Semver, BadConstraints) {
  EXPECT_FALSE(Constraints::parse(">=foo"));
  EXPECT_FALSE(Constraints::parse("1.2.3 ||| 2"));
  auto e = Constraints::parse("><1");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what(), "improper constraint: ><1");
}

} // namespace
} // namespace hoist::sync
