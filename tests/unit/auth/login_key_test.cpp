// login argument → credential key (c/common parseCredentialsKey), and helper-backed stores.
#include "hoist/auth/store.hpp"

#include <gtest/gtest.h>

#include "test_env.hpp"

namespace hoist::auth::test {
namespace {

TEST(LoginKey, Forms) {
  EXPECT_EQ(parse_login_key("quay.io").value().key, "quay.io");
  EXPECT_EQ(parse_login_key("https://quay.io/v1/").value().key, "quay.io");
  EXPECT_EQ(parse_login_key("http://u:pw@h.io:5000/x").value().key, "h.io:5000");
  auto ns = parse_login_key("quay.io/ns/repo").value();
  EXPECT_EQ(ns.key, "quay.io/ns/repo");
  EXPECT_EQ(ns.registry, "quay.io");
  EXPECT_EQ(parse_login_key("localhost:5000/foo").value().key, "localhost:5000/foo");
  EXPECT_EQ(parse_login_key("quay.io/ns/repo", false).value().key, "quay.io");
}

TEST(LoginKey, Errors) {
  EXPECT_EQ(parse_login_key("quay.io/ns/repo:tag").error().what(), "reference \"quay.io/ns/repo:tag\" contains tag or digest");
  EXPECT_EQ(parse_login_key("docker.io/busybox:1").error().what(),
            "reference \"docker.io/library/busybox:1\" contains tag or digest");
  EXPECT_EQ(parse_login_key("quay.io/Ns/repo").error().what(),
            "parse reference from \"quay.io/Ns/repo\": invalid reference format: repository name must be lowercase");
  EXPECT_EQ(parse_login_key("quay.io/ns//repo").error().what(),
            "parse reference from \"quay.io/ns//repo\": invalid reference format");
  EXPECT_EQ(parse_login_key("myhost/ns").error().what(),
            "internal error: key \"myhost/ns\" registry mismatch, \"docker.io/myhost/ns\" vs. \"docker.io\"");
}

class HelperStore : public AuthEnv {};

TEST_F(HelperStore, CredHelperEntriesStoreThroughTheHelper) {
  auto log = m_root / "helper.log";
  write_helper("rec", "echo \"$1 $(cat)\" >> " + log.string() + "\n");
  auto file = m_root / "auth.json";
  std::string initial = "{\"auths\":{},\"credHelpers\":{\"h.io\":\"rec\"}}";
  write_text(file, initial);
  StoreOptions o;
  o.authfile = file.string();
  auto ctx = resolve_store_context(o).value();
  EXPECT_EQ(store_login(ctx, "h.io", "u<", "p").value(), "credential helper: rec");
  EXPECT_EQ(read_text(file), initial); // untouched: the helper holds the secret
  EXPECT_EQ(read_text(log), "store {\"ServerURL\":\"h.io\",\"Username\":\"u\\u003c\",\"Secret\":\"p\"}\n");
  write_text(file, "{\"auths\":{},\"credHelpers\":{\"h.io\":\"rec\",\"h.io/ns\":\"rec\"}}");
  auto namespaced = store_login(ctx, "h.io/ns", "u", "p");
  ASSERT_FALSE(namespaced);
  EXPECT_EQ(namespaced.error().what(),
            "updating \"" + file.string() + "\": namespaced key is not supported for credential helper rec");
  EXPECT_EQ(remove_login(ctx, "h.io").value(), true);
  EXPECT_NE(read_text(log).find("erase h.io"), std::string::npos);
}

TEST_F(HelperStore, CompatFileKeepsUnknownKeys) {
  auto file = m_root / "docker/config.json";
  write_text(file, "{\"zeta\":{\"b\":1,\"a\":[]},\"auths\":{\"x.io\":{\"auth\":\"dTpw\",\"email\":\"e\"}},"
                   "\"credHelpers\":{\"k.io\":\"h\"},\"alpha\":\"s\"}");
  StoreOptions o;
  o.compat_authfile = file.string();
  auto ctx = resolve_store_context(o).value();
  ASSERT_TRUE(store_login(ctx, "docker.io", "u", "p"));
  EXPECT_EQ(read_text(file), "{\n\t\"alpha\": \"s\",\n\t\"auths\": {\n\t\t\"https://index.docker.io/v1/\": {\n"
                             "\t\t\t\"auth\": \"dTpw\"\n\t\t},\n\t\t\"x.io\": {\n\t\t\t\"auth\": \"dTpw\"\n\t\t}\n\t},\n"
                             "\t\"credHelpers\": {\n\t\t\"k.io\": \"h\"\n\t},\n\t\"zeta\": {\n\t\t\"b\": 1,\n"
                             "\t\t\"a\": []\n\t}\n}");
  EXPECT_EQ(store_login(ctx, "q.io/ns", "u", "p").error().what(),
            "Credentials cannot be recorded in Docker-compatible format with namespaced key \"q.io/ns\"");
  EXPECT_EQ(stored_for_key(ctx, "docker.io").value()->username, "u");
}

TEST_F(HelperStore, DockerConfigEnvMeansCompatMode) {
  ::setenv("DOCKER_CONFIG", (m_root / "dc").c_str(), 1);
  auto ctx = resolve_store_context(StoreOptions{}).value();
  EXPECT_EQ(ctx.paths.docker_compat_path, (m_root / "dc/config.json").string());
  ::setenv("REGISTRY_AUTH_FILE", (m_root / "r.json").c_str(), 1);
  ctx = resolve_store_context(StoreOptions{}).value();
  EXPECT_EQ(ctx.paths.auth_file_path, (m_root / "r.json").string());
  StoreOptions both;
  both.authfile = "a";
  both.compat_authfile = "b";
  EXPECT_EQ(resolve_store_context(both).error().what(),
            "options for paths to the credential file and to the Docker-compatible credential file can not be set "
            "simultaneously");
}

} // namespace
} // namespace hoist::auth::test
