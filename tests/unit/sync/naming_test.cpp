// The destination naming table of cmd/skopeo/sync.go, case by case.
#include <gtest/gtest.h>

#include "hoist/sync/naming.hpp"

namespace hoist::sync {
namespace {

reference::DockerName named(const char* text) { return *reference::parse_normalized_named(text); }

struct Case {
  std::string suffix;
  bool scoped;
  std::string dest, append, expected;
};

TEST(SyncNaming, GoBase) {
  EXPECT_EQ(go_base(""), ".");
  EXPECT_EQ(go_base("/"), "/");
  EXPECT_EQ(go_base("a/b/"), "b");
  EXPECT_EQ(go_base("reg:5000/ns/img:tag"), "img:tag");
  EXPECT_EQ(go_base("img@sha256:abc"), "img@sha256:abc");
}

TEST(SyncNaming, DockerSuffixIsTheFullReference) {
  EXPECT_EQ(docker_suffix(named("busybox")), "docker.io/library/busybox");
  EXPECT_EQ(docker_suffix(named("busybox:1.36")), "docker.io/library/busybox:1.36");
  EXPECT_EQ(docker_suffix(named("localhost:5000/ns/app:v1")), "localhost:5000/ns/app:v1");
}

TEST(SyncNaming, DirSuffixTrimsTheSourcePrefix) {
  EXPECT_EQ(dir_suffix("/src/reg/app:v1", "/src"), "/reg/app:v1");
  EXPECT_EQ(dir_suffix("/src/reg/app:v1", "/src/"), "reg/app:v1");
  EXPECT_EQ(dir_suffix("/src/app", "/src/app"), "app");      // SOURCE is the image itself
  EXPECT_EQ(dir_suffix("/src/app", "/src/app/"), "/src/app"); // cleaned path no longer has the prefix
  EXPECT_EQ(dir_suffix("src/a", "./src"), "src/a");           // WalkDir joins (cleans) child paths
}

TEST(SyncNaming, Table) {
  const std::vector<Case> cases = {
      {"docker.io/library/busybox:latest", false, "/out", "", "/out/busybox:latest"},
      {"docker.io/library/busybox:latest", true, "/out", "", "/out/docker.io/library/busybox:latest"},
      {"localhost:5000/ns/app:v1", true, "/out", "", "/out/localhost:5000/ns/app:v1"},
      {"localhost:5000/ns/app:v1", false, "/out/", "", "/out/app:v1"},
      {"localhost:5000/ns/app:v1", false, "newreg:5000/mirror", "-m", "newreg:5000/mirror/app:v1-m"},
      {"reg/img@sha256:aa", false, "/out", "", "/out/img@sha256:aa"},
      {"/reg/app:v1", true, "newreg", "", "newreg/reg/app:v1"},
      {"/reg/app:v1", false, "newreg", "", "newreg/app:v1"},
      {"reg/app:v1", true, "./out", "", "out/reg/app:v1"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(destination_path(c.dest, scope(c.suffix, c.scoped), c.append), c.expected) << c.suffix;
  }
}

TEST(SyncNaming, OciRefNamesAreTheDirFolderNames) {
  EXPECT_EQ(oci_ref_name(scope("localhost:5000/ns/app01:v1", false), ""), "app01:v1");
  EXPECT_EQ(oci_ref_name(scope("localhost:5000/ns/app01:v1", true), ""), "localhost:5000/ns/app01:v1");
  EXPECT_EQ(oci_ref_name(scope("/ns/app01:v1", true), "-x"), "ns/app01:v1-x");
}

TEST(SyncNaming, OciSourcePrefix) {
  EXPECT_TRUE(oci_ref_in_prefix("reg:5000/ns/a:v1", ""));
  EXPECT_TRUE(oci_ref_in_prefix("reg:5000/ns/a:v1", "reg:5000"));
  EXPECT_FALSE(oci_ref_in_prefix("reg:50001/ns/a:v1", "reg:5000"));
  EXPECT_EQ(oci_suffix("reg:5000/ns/a:v1", "reg:5000"), "/ns/a:v1");
  EXPECT_EQ(oci_suffix("a:v1", ""), "/a:v1");
}

} // namespace
} // namespace hoist::sync
