// The --src yaml file format of skopeo-sync(1).
#include <gtest/gtest.h>

#include "hoist/sync/config.hpp"
#include "hoist/sync/sources.hpp"

namespace hoist::sync {
namespace {

TEST(SyncConfig, EveryKey) {
  auto cfg = parse_config(R"(
registry.example.com:
  images:
    busybox: []
    redis:
      - "1.0"
      - "sha256:0000000000000000000000000000000000000000000000000000000000000000"
    nginx:
  images-by-tag-regex:
    nginx: ^1\.13\.[12]-alpine-perl$
  images-by-semver:
    alpine: ">= 3.12.0"
  credentials:
    username: john
    password: this is a secret
  tls-verify: false
  cert-dir: /home/john/certs
quay.io:
  tls-verify: true
  images:
    coreos/etcd:
      - latest
)", "sync.yml");
  ASSERT_TRUE(cfg) << cfg.error().what();
  ASSERT_EQ(cfg->size(), 2u);
  const auto& r = (*cfg)[0];
  EXPECT_EQ(r.registry, "registry.example.com");
  ASSERT_EQ(r.images.size(), 3u);
  EXPECT_EQ(r.images[0].first, "busybox");
  EXPECT_TRUE(r.images[0].second.empty());
  EXPECT_EQ(r.images[1].second.size(), 2u);
  EXPECT_EQ(r.images[1].second[0], "1.0");
  EXPECT_TRUE(r.images[2].second.empty());
  ASSERT_EQ(r.images_by_tag_regex.size(), 1u);
  EXPECT_EQ(r.images_by_tag_regex[0].second, "^1\\.13\\.[12]-alpine-perl$");
  EXPECT_EQ(r.images_by_semver[0].second, ">= 3.12.0");
  EXPECT_EQ(r.username, "john");
  EXPECT_EQ(r.password, "this is a secret");
  EXPECT_EQ(r.tls_verify, std::optional<bool>(false));
  EXPECT_EQ(r.cert_dir, "/home/john/certs");
  EXPECT_EQ((*cfg)[1].tls_verify, std::optional<bool>(true));
  EXPECT_FALSE((*cfg)[1].has_credentials());
}

TEST(SyncConfig, AbsentTlsVerifyKeepsTheCommandLine) {
  auto cfg = parse_config("reg:\n  images:\n    a: [v1]\n", "f");
  ASSERT_TRUE(cfg);
  EXPECT_FALSE((*cfg)[0].tls_verify);
  transport::Context cli;
  cli.tls_verify = false;
  cli.cert_dir = "/cli/certs";
  auto ctx = registry_context((*cfg)[0], cli);
  EXPECT_EQ(ctx.tls_verify, std::optional<bool>(false));
  EXPECT_FALSE(ctx.cert_dir); // cert-dir always overrides, even when absent
}

TEST(SyncConfig, RegistryWithoutImages) {
  auto cfg = parse_config("reg:\n  tls-verify: false\n", "f");
  ASSERT_TRUE(cfg);
  EXPECT_FALSE((*cfg)[0].has_images());
}

TEST(SyncConfig, Errors) {
  auto bad = parse_config("reg: [1, 2\n", "sync.yml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what().rfind("Failed to unmarshal \"sync.yml\": ", 0), 0u) << bad.error().what();
  EXPECT_FALSE(parse_config("reg:\n  tls-verify: maybe\n", "f"));
  EXPECT_FALSE(parse_config("reg:\n  images: [a, b]\n", "f"));
  auto empty = parse_config("", "f");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(SyncFilters, RegexIsAnUnanchoredSearch) {
  std::vector<std::string> tags = {"1.13.1-alpine-perl", "1.13.2-alpine-perl", "1.13.3", "latest", "v1"};
  auto r = filter_by_regex(tags, "^1\\.13\\.[12]-alpine-perl$");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 2u);
  auto search = filter_by_regex(tags, "1");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->size(), 4u);
  EXPECT_FALSE(filter_by_regex(tags, "(unclosed"));
}

TEST(SyncFilters, SemverSkipsNonSemverTags) {
  std::vector<std::string> tags = {"3.11.0", "3.12.0", "3.13", "v3.14.1", "latest", "3.12.0-rc1", "edge"};
  auto r = filter_by_semver(tags, ">= 3.12.0");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"3.12.0", "3.13", "v3.14.1"}));
  EXPECT_FALSE(filter_by_semver(tags, "nonsense"));
}

} // namespace
} // namespace hoist::sync
