// Flag groups → transport::Context, and skopeo's validation texts (checked against
// skopeo 1.9.3: e.g. `skopeo inspect --creds a --no-creds dir:/x`).
#include <gtest/gtest.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"

using namespace hoist::cli;

namespace {

struct Env {
  FlagSet fs;
  Globals globals;
  std::vector<std::string> args;
  explicit Env(bool prefixed) {
    add_shared_flags(fs);
    if (prefixed) {
      add_deprecated_tls_verify_flag(fs);
      add_image_flags(fs, "src-", "screds");
      add_dest_flags(fs, "dest-", "dcreds");
    } else {
      add_image_flags(fs, "");
    }
    add_retry_flags(fs);
  }
  hoist::Result<hoist::transport::Context> ctx(std::initializer_list<const char*> argv, std::string_view prefix) {
    auto parsed = fs.parse(std::vector<std::string>(argv.begin(), argv.end()));
    if (!parsed) return tl::unexpected(parsed.error());
    Invocation inv{"hoist", globals, fs, *parsed};
    return image_context(inv, prefix, {true, prefix == "dest-"});
  }
  std::string err(std::initializer_list<const char*> argv, std::string_view prefix = "") {
    auto r = ctx(argv, prefix);
    return r ? "<ok>" : r.error().what();
  }
};

} // namespace

TEST(Options, CredentialConflicts) {
  EXPECT_EQ(Env(false).err({"--creds", "a", "--no-creds"}), "creds and no-creds cannot be specified at the same time");
  EXPECT_EQ(Env(false).err({"--username", "a", "--no-creds"}), "username and no-creds cannot be specified at the same time");
  EXPECT_EQ(Env(false).err({"--creds", "a", "--username", "b"}), "creds and username cannot be specified at the same time");
  EXPECT_EQ(Env(false).err({"--username", "a"}), "password must be specified when username is specified");
  EXPECT_EQ(Env(false).err({"--password", "a"}), "username must be specified when password is specified");
  EXPECT_EQ(Env(false).err({"--creds="}), "credentials can't be empty");
  EXPECT_EQ(Env(false).err({"--creds", ":p"}), "username can't be empty");
  EXPECT_EQ(Env(true).err({"--src-creds", "a", "--src-no-creds"}, "src-"), "creds and no-creds cannot be specified at the same time");
  EXPECT_EQ(Env(true).err({"--dest-creds", ":x"}, "dest-"), "username can't be empty");
  EXPECT_EQ(Env(true).err({"--dest-compress-format", "bogus"}, "dest-"), "cannot find compressor for \"bogus\"");
}

TEST(Options, CredsSplitAtFirstColon) {
  Env e(false);
  auto c = e.ctx({"--creds", "user:pa:ss"}, "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password, "pa:ss");
  Env nopass(false);
  auto n = nopass.ctx({"--creds", "user"}, "");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->password, "");
}

TEST(Options, PrefixesAliasesAndOverrides) {
  Env e(true);
  auto src = e.ctx({"--authfile", "/shared", "--dest-authfile", "/d", "--screds", "u:p", "--tls-verify=false",
                    "--dest-tls-verify=true", "--src-cert-dir", "/c", "--retry-times", "3", "--retry-delay", "2s"},
                   "src-");
  ASSERT_TRUE(src);
  EXPECT_EQ(src->authfile, std::optional<std::string>("/shared"));
  EXPECT_EQ(src->username, std::optional<std::string>("u"));
  EXPECT_EQ(src->tls_verify, std::optional<bool>(false)); // deprecated --tls-verify applies when no prefixed one
  EXPECT_EQ(src->cert_dir, std::optional<std::string>("/c"));
  EXPECT_EQ(src->retry_times, 3);
  EXPECT_EQ(src->retry_delay.count(), 2000);
  auto dest = e.ctx({}, "dest-");
  ASSERT_TRUE(dest);
  EXPECT_EQ(dest->authfile, std::optional<std::string>("/d"));
  EXPECT_EQ(dest->tls_verify, std::optional<bool>(true));
  EXPECT_FALSE(dest->username.has_value());
}

TEST(Options, NoCredsAndToken) {
  Env e(false);
  auto c = e.ctx({"--no-creds", "--registry-token", "tok", "--shared-blob-dir", "/b"}, "");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->no_creds);
  EXPECT_EQ(c->registry_token, std::optional<std::string>("tok"));
  EXPECT_EQ(c->shared_blob_dir, std::optional<std::string>("/b"));
}

TEST(Options, UnimplementedFlagsAreRefused) {
  EXPECT_EQ(Env(false).err({"--daemon-host", "unix:///x"}), "--daemon-host is not supported by hoist yet");
}

TEST(Options, UserAgentAndGlobals) {
  Env e(false);
  e.globals.user_agent_prefix = "ci";
  e.globals.tmpdir = "/big";
  e.globals.tls_verify = false;
  auto c = e.ctx({}, "");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user_agent, "ci hoist/0.1.0");
  EXPECT_EQ(c->tmpdir, "/big");
  EXPECT_EQ(c->tls_verify, std::optional<bool>(false));
}

TEST(Options, ManifestFormat) {
  FlagSet fs;
  add_copy_shared_flags(fs);
  ASSERT_TRUE(fs.parse({"-f", "v2s2"}));
  EXPECT_EQ(manifest_format(fs)->value(), "application/vnd.docker.distribution.manifest.v2+json");
  FlagSet bad;
  add_copy_shared_flags(bad);
  ASSERT_TRUE(bad.parse({"--format=bogus"}));
  EXPECT_EQ(manifest_format(bad).error().what(),
            "unknown format \"bogus\". Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'");
}
