// pflag-compatible parsing. Expected texts are what skopeo 1.9.3 prints for the same
// arguments (its flag parsing is unchanged in newer versions), e.g.
//   skopeo copy --quiet=maybe a b → invalid argument "maybe" for "-q, --quiet" flag: …
#include <gtest/gtest.h>

#include "hoist/cli/flags.hpp"

using hoist::cli::FlagSet;
using hoist::cli::FlagType;

namespace {

std::vector<std::string> v(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }

struct Fixture {
  FlagSet fs;
  Fixture() {
    fs.add_bool("quiet", 'q', "Suppress output");
    fs.add_bool("all", 'a', "all");
    fs.add_string("authfile", 0, "path");
    fs.add_string("format", 'f', "format");
    fs.add(FlagType::integer, "retry-times", 0, "retries");
    fs.add(FlagType::uinteger, "image-parallel-copies", 0, "n");
    fs.add(FlagType::duration, "command-timeout", 0, "timeout");
    fs.add(FlagType::string_slice, "additional-tag", 0, "tags");
    fs.add(FlagType::int_slice, "encrypt-layer", 0, "layers");
    fs.add_bool("src-tls-verify", 0, "verify");
  }
  std::string error(std::initializer_list<const char*> args) {
    auto r = fs.parse(v(args));
    return r ? "<ok>" : r.error().what();
  }
};

} // namespace

TEST(Flags, InterspersedAndDoubleDash) {
  Fixture f;
  auto r = f.fs.parse(v({"a", "--quiet", "b", "--", "--all", "-q"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, v({"a", "b", "--all", "-q"}));
  EXPECT_TRUE(f.fs.get_bool("quiet"));
  EXPECT_FALSE(f.fs.get_bool("all"));
}

TEST(Flags, BoolsTakeNoSeparateValue) {
  Fixture f;
  auto r = f.fs.parse(v({"--quiet", "false", "--all=false"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, v({"false"})); // `--f false`: "false" is an argument
  EXPECT_TRUE(f.fs.get_bool("quiet"));
  EXPECT_FALSE(f.fs.get_bool("all"));
  EXPECT_TRUE(f.fs.changed("all"));
}

TEST(Flags, OptionalBoolPresence) {
  Fixture f;
  EXPECT_FALSE(f.fs.optional_bool("src-tls-verify").has_value());
  ASSERT_TRUE(f.fs.parse(v({"--src-tls-verify=false"})));
  EXPECT_EQ(f.fs.optional_bool("src-tls-verify"), std::optional<bool>(false));
}

TEST(Flags, ShortFlagsCombineAndTakeValues) {
  Fixture f;
  ASSERT_TRUE(f.fs.parse(v({"-qa", "-fjson"})));
  EXPECT_TRUE(f.fs.get_bool("quiet"));
  EXPECT_TRUE(f.fs.get_bool("all"));
  EXPECT_EQ(f.fs.get_string("format"), "json");
  Fixture g;
  ASSERT_TRUE(g.fs.parse(v({"-qa=false", "-f", "oci"})));
  EXPECT_FALSE(g.fs.get_bool("all"));
  EXPECT_EQ(g.fs.get_string("format"), "oci");
}

TEST(Flags, ValueFlagTakesNextArgEvenIfDashed) {
  Fixture f;
  ASSERT_TRUE(f.fs.parse(v({"--authfile", "--all"})));
  EXPECT_EQ(f.fs.get_string("authfile"), "--all");
  EXPECT_FALSE(f.fs.get_bool("all"));
}

TEST(Flags, SlicesRepeatAndSplitOnCommas) {
  Fixture f;
  ASSERT_TRUE(f.fs.parse(v({"--additional-tag", "a:1,b:2", "--additional-tag=c:3", "--encrypt-layer", "0,-1"})));
  EXPECT_EQ(f.fs.at("additional-tag").strings, v({"a:1", "b:2", "c:3"}));
  EXPECT_EQ(f.fs.at("encrypt-layer").ints, (std::vector<int64_t>{0, -1}));
}

TEST(Flags, ErrorTextsMatchPflag) {
  Fixture f;
  EXPECT_EQ(f.error({"--bogus"}), "unknown flag: --bogus");
  EXPECT_EQ(f.error({"--bogus=1"}), "unknown flag: --bogus");
  EXPECT_EQ(f.error({"-x"}), "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(f.error({"-qx"}), "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(f.error({"--authfile"}), "flag needs an argument: --authfile");
  EXPECT_EQ(f.error({"-f"}), "flag needs an argument: 'f' in -f");
  EXPECT_EQ(f.error({"---x"}), "bad flag syntax: ---x");
  EXPECT_EQ(f.error({"--quiet=maybe"}),
            "invalid argument \"maybe\" for \"-q, --quiet\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
  EXPECT_EQ(f.error({"--src-tls-verify=maybe"}),
            "invalid argument \"maybe\" for \"--src-tls-verify\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
  EXPECT_EQ(f.error({"--retry-times", "x"}),
            "invalid argument \"x\" for \"--retry-times\" flag: strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(f.error({"--retry-times", "99999999999999999999"}),
            "invalid argument \"99999999999999999999\" for \"--retry-times\" flag: strconv.ParseInt: parsing "
            "\"99999999999999999999\": value out of range");
  EXPECT_EQ(f.error({"--encrypt-layer", "a"}),
            "invalid argument \"a\" for \"--encrypt-layer\" flag: strconv.Atoi: parsing \"a\": invalid syntax");
  EXPECT_EQ(f.error({"--command-timeout", "5"}),
            "invalid argument \"5\" for \"--command-timeout\" flag: time: missing unit in duration \"5\"");
  EXPECT_EQ(f.error({"--image-parallel-copies", "-1"}),
            "invalid argument \"-1\" for \"--image-parallel-copies\" flag: strconv.ParseUint: parsing \"-1\": invalid syntax");
}

TEST(Flags, FirstErrorWins) {
  Fixture f;
  EXPECT_EQ(f.error({"--bogus", "--authfile"}), "unknown flag: --bogus");
  EXPECT_EQ(f.error({"-h", "--bogus"}), "unknown shorthand flag: 'h' in -h"); // no help flag in this set
}

TEST(Flags, GoIntegerSyntax) {
  Fixture f;
  ASSERT_TRUE(f.fs.parse(v({"--retry-times=0x10"})));
  EXPECT_EQ(f.fs.at("retry-times").i, 16);
}

TEST(GoDuration, ParsesAndFormatsLikeGo) {
  using hoist::cli::format_go_duration;
  using hoist::cli::parse_go_duration;
  using std::chrono::nanoseconds;
  EXPECT_EQ(parse_go_duration("90s")->count(), 90'000'000'000);
  EXPECT_EQ(parse_go_duration("1m30s")->count(), 90'000'000'000);
  EXPECT_EQ(parse_go_duration("1.5h")->count(), 5'400'000'000'000);
  EXPECT_EQ(parse_go_duration("300ms")->count(), 300'000'000);
  EXPECT_EQ(parse_go_duration("-2us")->count(), -2000);
  EXPECT_EQ(parse_go_duration("0")->count(), 0);
  EXPECT_EQ(parse_go_duration("").error().what(), "time: invalid duration \"\"");
  EXPECT_EQ(parse_go_duration("x").error().what(), "time: invalid duration \"x\"");
  EXPECT_EQ(parse_go_duration("5q").error().what(), "time: unknown unit \"q\" in duration \"5q\"");
  EXPECT_EQ(parse_go_duration("5").error().what(), "time: missing unit in duration \"5\"");
  EXPECT_EQ(format_go_duration(nanoseconds(0)), "0s");
  EXPECT_EQ(format_go_duration(nanoseconds(90'000'000'000)), "1m30s");
  EXPECT_EQ(format_go_duration(nanoseconds(1'500'000'000)), "1.5s");
  EXPECT_EQ(format_go_duration(nanoseconds(3'600'000'000'000)), "1h0m0s");
  EXPECT_EQ(format_go_duration(nanoseconds(300'000'000)), "300ms");
}

TEST(FlagUsages, AlignedSortedHiddenOmitted) {
  // Layout of `skopeo login --help` (1.9.3 and newest share these lines).
  FlagSet fs;
  fs.add_string("username", 'u', "Username for registry");
  fs.add_string("authfile", 0, "path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override");
  fs.add_bool("get-login", 0, "Return the current login user for the registry");
  fs.add_bool("hidden", 0, "x").hidden = true;
  fs.add_string("cert-dir", 0, "use certificates at `PATH` to connect");
  EXPECT_EQ(fs.usages(),
            "      --authfile string   path of the authentication file. Use REGISTRY_AUTH_FILE environment variable to override\n"
            "      --cert-dir PATH     use certificates at PATH to connect\n"
            "      --get-login         Return the current login user for the registry\n"
            "  -u, --username string   Username for registry\n");
}

TEST(FlagUsages, NonZeroDefaultsShown) {
  FlagSet fs;
  fs.add_string("authfile", 0, "path", "/run/auth.json");
  EXPECT_EQ(fs.usages(), "      --authfile string   path (default \"/run/auth.json\")\n");
}
