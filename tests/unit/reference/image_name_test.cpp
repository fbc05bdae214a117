// Expected texts were recorded from skopeo 1.9.3 (`skopeo copy SRC dir:…`: "Invalid source
// name SRC: <error>" or "initializing source <str()>: …"); the cases at the end follow the
// newest skopeo where it differs (§0), from the containers/image sources.
#include <gtest/gtest.h>

#include "hoist/reference/image_name.hpp"

using namespace hoist;
using namespace hoist::reference;

#define H "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

namespace {

struct ImageCase {
  const char* input;
  bool ok;
  const char* expected; // str() when ok, else the error text
};

const ImageCase k_cases[] = {
    {"foo", false, "Invalid image name \"foo\", expected colon-separated transport:reference"},
    {"xyz:abc", false, "Invalid image name \"xyz:abc\", unknown transport \"xyz\""},
    {"ostree:foo", false, "The transport \"ostree:\" is not supported in this build"},
    {"docker:foo", false, "docker: image reference foo does not start with //"},
    {"docker:", false, "docker: image reference  does not start with //"},
    {"docker://", false, "invalid reference format"},
    {"docker://busybox", true, "docker://busybox:latest"},
    {"docker://a/b:t@sha256:" H "", false, "Docker references with both a tag and digest are currently not supported"},
    {"docker://quay.io/a@sha256:" H "", true, "docker://quay.io/a@sha256:" H ""},
    {"docker://UPPER", false, "invalid reference format: repository name must be lowercase"},
    {"dir:/nx", true, "dir:/nx"},
    {"dir:", true, "dir:"},
    {"dir:a:b", true, "dir:a:b"},
    {"oci:/nx", true, "oci:/nx:"},
    {"oci:", true, "oci::"},
    {"oci:/nx:a:b", true, "oci:/nx:a:b"},
    {"oci:/nx:BAD!", false, "Invalid image BAD!"},
    {"oci:/nx:a//b", false, "Invalid image a//b"},
    {"oci:/nx:-a", false, "Invalid image -a"},
    {"oci:/nx:a--b", true, "oci:/nx:a--b"},
    {"oci:/nx:a---b", false, "Invalid image a---b"},
    {"oci:/nx:A.B_c@d+e:f/g", true, "oci:/nx:A.B_c@d+e:f/g"},
    {"oci:/nx:a/", false, "Invalid image a/"},
    {"oci:/nx:a.", false, "Invalid image a."},
    {"oci-archive:/nx", true, "oci-archive:/nx:"},
    {"oci-archive:/nx:x", true, "oci-archive:/nx:x"},
    {"oci-archive:/nx:@0", false, "Invalid image @0"},
    {"docker-archive:", false, "docker-archive reference  isn't of the form <path>[:<reference>]"},
    {"docker-archive:/nx", true, "docker-archive:/nx"},
    {"docker-archive:/nx:", false, "docker-archive parsing reference: invalid reference format"},
    {"docker-archive:/nx:foo", true, "docker-archive:/nx:docker.io/library/foo:latest"},
    {"docker-archive:/nx:foo:tag", true, "docker-archive:/nx:docker.io/library/foo:tag"},
    {"docker-archive:/nx:q.io/a/b:t", true, "docker-archive:/nx:q.io/a/b:t"},
    {"docker-archive:/nx:foo@sha256:" H "", false, "reference does not include a tag: docker.io/library/foo@sha256:" H ""},
    {"docker-archive:/nx:foo:t@sha256:" H "", false, "docker-archive doesn't support digest references: docker.io/library/foo:t@sha256:" H ""},
    {"docker-archive:/nx:UP", false, "docker-archive parsing reference: invalid reference format: repository name must be lowercase"},
    {"docker-archive:/nx:a:b:c", false, "docker-archive parsing reference: invalid reference format"},
    {"docker-archive:/nx:@0", true, "docker-archive:/nx:@0"},
    {"docker-archive:/nx:@+3", true, "docker-archive:/nx:@3"},
    {"docker-archive:/nx:@007", true, "docker-archive:/nx:@7"},
    {"docker-archive:/nx:@", false, "Invalid source index @: strconv.Atoi: parsing \"\": invalid syntax"},
    {"docker-archive:/nx:@x", false, "Invalid source index @x: strconv.Atoi: parsing \"x\": invalid syntax"},
    {"docker-archive:/nx:@-1", false, "Invalid source index @-1: must not be negative"},
    {"docker-archive:/nx:@-0", true, "docker-archive:/nx:@0"},
    {"docker-archive:/nx:@9223372036854775807", true, "docker-archive:/nx:@9223372036854775807"},
    {"docker-archive:/nx:@9223372036854775808", false, "Invalid source index @9223372036854775808: strconv.Atoi: parsing \"9223372036854775808\": value out of range"},
    {"docker-archive:/nx:@-9223372036854775809", false, "Invalid source index @-9223372036854775809: strconv.Atoi: parsing \"-9223372036854775809\": value out of range"},
    {"docker-archive:/nx:@99999999999999999999x", false, "Invalid source index @99999999999999999999x: strconv.Atoi: parsing \"99999999999999999999x\": value out of range"},
    {"docker-archive:/nx:@1_0", false, "Invalid source index @1_0: strconv.Atoi: parsing \"1_0\": invalid syntax"},
    {"docker-daemon:", false, "invalid reference format"},
    {"docker-daemon:foo", false, "docker-daemon: reference foo has neither a tag nor a digest"},
    {"docker-daemon:foo:tag", true, "docker-daemon:foo:tag"},
    {"docker-daemon:foo:t@sha256:" H "", false, "docker-daemon: references with both a tag and digest are currently not supported"},
    {"docker-daemon:foo@sha256:" H "", true, "docker-daemon:foo@sha256:" H ""},
    {"docker-daemon:sha256:" H "", true, "docker-daemon:sha256:" H ""},
    {"docker-daemon:sha512:" H "" H "", false, "Invalid docker-daemon: reference sha512:" H "" H ": only digest algorithm sha256 accepted"},
    {"docker-daemon:sha256:0123456789abcdef0123456789abcdef", false, "Invalid docker-daemon: reference sha256:0123456789abcdef0123456789abcdef: The sha256 repository name is reserved for (non-shortened) digest references"},
    {"docker-daemon:sha256:latest", false, "Invalid docker-daemon: reference sha256:latest: The sha256 repository name is reserved for (non-shortened) digest references"},
    {"docker-daemon:sha256", false, "Invalid docker-daemon: reference sha256: The sha256 repository name is reserved for (non-shortened) digest references"},
    {"docker-daemon:UPPER:x", false, "invalid reference format: repository name must be lowercase"},
    {"docker-daemon:index.docker.io/library/x:1", true, "docker-daemon:x:1"},
    {"sif:/nx", true, "sif:/nx"},
    // Paths are resolved while parsing, before the ref name is checked.
    {"oci:/nonexistent/a/b:BAD!", false, "lstat /nonexistent: no such file or directory"},
    {"oci-archive:/nonexistent/a/b:BAD!", false, "lstat /nonexistent: no such file or directory"},
    {"sif:/nonexistent/a/b", false, "lstat /nonexistent: no such file or directory"},
    {"dir:/nonexistent/a/b", false, "lstat /nonexistent: no such file or directory"},
    {"docker-archive:/nonexistent/a/b", true, "docker-archive:/nonexistent/a/b"},
    // Newest skopeo (1.15+/1.18+, see §0); 1.9.3 rejects these.
    {"docker://foo@@unknown-digest@@", true, "docker://foo@@unknown-digest@@"},
    {"docker://foo:tag@@unknown-digest@@", false,
     "docker: image reference \"docker.io/library/foo:tag@@unknown-digest@@\" has unknown digest set but it "
     "contains either a tag or digest"},
    {"oci:/nx:@0", true, "oci:/nx:@0"},
    {"oci:/nx:@+2", true, "oci:/nx:@2"},
    {"oci:/nx:@", false, "Invalid source index @: not an integer: strconv.Atoi: parsing \"\": invalid syntax"},
    {"oci:/nx:@x1", false, "Invalid source index @x1: not an integer: strconv.Atoi: parsing \"x1\": invalid syntax"},
    {"oci:/nx:@-1", false, "Invalid source index @-1: must not be negative"},
    // The newest skopeo registers the OpenShift "atomic:" transport.
    {"atomic:foo", false, "invalid image reference foo, expected format: 'hostname/namespace/stream:tag'"},
    {"atomic:reg.io/ns/stream:v1", true, "atomic:reg.io/ns/stream:v1"},
    {"atomic:reg.io/a/b/c:v1", false,
     "invalid image reference: reg.io/a/b/c:v1, expected format: 'hostname/namespace/stream:tag'"},
    {"atomic:UP", false,
     "failed to parse image reference \"UP\": invalid reference format: repository name must be lowercase"},
};

} // namespace

TEST(ImageName, ParsesLikeSkopeo) {
  for (const auto& c : k_cases) {
    SCOPED_TRACE(c.input);
    auto n = parse_image_name(c.input);
    if (c.ok) {
      ASSERT_TRUE(n) << n.error().what();
      EXPECT_EQ(n->str(), c.expected);
    } else {
      ASSERT_FALSE(n) << n->str();
      EXPECT_EQ(n.error().what(), c.expected);
    }
  }
}

TEST(ImageName, DockerFields) {
  auto n = parse_image_name("docker://localhost:5000/ns/img");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->transport, Transport::docker);
  EXPECT_EQ(n->transport_name, "docker");
  EXPECT_EQ(n->details, "//localhost:5000/ns/img");
  ASSERT_TRUE(n->docker);
  EXPECT_EQ(n->docker->str(), "localhost:5000/ns/img:latest");
  EXPECT_FALSE(n->unknown_digest);

  auto u = parse_image_name("docker://localhost:5000/ns/img@@unknown-digest@@");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->unknown_digest);
  EXPECT_TRUE(u->docker->name_only());
}

TEST(ImageName, PathTransports) {
  auto oci = parse_image_name("oci:/tmp//dir:v1:extra");
  ASSERT_TRUE(oci);
  EXPECT_EQ(oci->transport, Transport::oci);
  EXPECT_EQ(oci->path, "/tmp//dir");
  EXPECT_EQ(oci->resolved_path, "/tmp/dir");
  EXPECT_EQ(oci->ref, "v1:extra");
  EXPECT_FALSE(oci->source_index);

  auto idx = parse_image_name("oci:/x:@3");
  ASSERT_TRUE(idx);
  EXPECT_EQ(idx->source_index, 3);
  EXPECT_EQ(idx->ref, "");

  auto dir = parse_image_name("dir:/tmp/./a:b");
  ASSERT_TRUE(dir);
  EXPECT_EQ(dir->transport, Transport::dir);
  EXPECT_EQ(dir->path, "/tmp/./a:b");
  EXPECT_EQ(dir->resolved_path, "/tmp/a:b");

  auto arch = parse_image_name("docker-archive:/t.tar:busybox");
  ASSERT_TRUE(arch);
  EXPECT_EQ(arch->transport, Transport::docker_archive);
  EXPECT_EQ(arch->path, "/t.tar");
  ASSERT_TRUE(arch->archive_name);
  EXPECT_EQ(arch->archive_name->str(), "docker.io/library/busybox:latest");

  auto arch_idx = parse_image_name("docker-archive:/t.tar:@1");
  ASSERT_TRUE(arch_idx);
  EXPECT_EQ(arch_idx->source_index, 1);
  EXPECT_FALSE(arch_idx->archive_name);

  auto oa = parse_image_name("oci-archive:/t.tar:v2");
  ASSERT_TRUE(oa);
  EXPECT_EQ(oa->transport, Transport::oci_archive);
  EXPECT_EQ(oa->path, "/t.tar");
  EXPECT_EQ(oa->ref, "v2");
}

TEST(ImageName, DaemonAndStorage) {
  auto id = parse_image_name("docker-daemon:sha256:" H);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->transport, Transport::docker_daemon);
  ASSERT_TRUE(id->image_id);
  EXPECT_EQ(id->image_id->str(), "sha256:" H);
  EXPECT_FALSE(id->docker);

  auto named = parse_image_name("docker-daemon:busybox:1");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->docker->str(), "docker.io/library/busybox:1");

  auto cs = parse_image_name("containers-storage:[overlay@/var/lib/x]busybox");
  ASSERT_TRUE(cs);
  EXPECT_EQ(cs->transport, Transport::containers_storage);
  EXPECT_EQ(cs->details, "[overlay@/var/lib/x]busybox");
  EXPECT_EQ(transport_name(Transport::containers_storage), "containers-storage");
  EXPECT_EQ(transport_name(Transport::oci_archive), "oci-archive");
}
