// Expected values were recorded by running skopeo 1.9.3 (`skopeo copy docker://X dir:…`
// prints the normalized familiar name and the registry host it pings; docker-archive:P:X
// prints the full normalized name). Cases where the newest skopeo differs are marked.
#include <gtest/gtest.h>

#include "hoist/reference/docker.hpp"

using namespace hoist;
using namespace hoist::reference;

#define H "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

namespace {

struct NameCase {
  const char* input;
  const char* familiar; // familiar() after with_default_tag()
  const char* host;     // registry_host()
  const char* full;     // str() after with_default_tag(), "" = not recorded
};

const NameCase k_names[] = {
    {"busybox", "busybox:latest", "registry-1.docker.io", "docker.io/library/busybox:latest"},
    {"index.docker.io/busybox", "busybox:latest", "registry-1.docker.io", "docker.io/library/busybox:latest"},
    {"docker.io/library/busybox:1", "busybox:1", "registry-1.docker.io", "docker.io/library/busybox:1"},
    {"library/busybox", "busybox:latest", "registry-1.docker.io", "docker.io/library/busybox:latest"},
    {"ns/img", "ns/img:latest", "registry-1.docker.io", "docker.io/ns/img:latest"},
    {"docker.io/ns/img", "ns/img:latest", "registry-1.docker.io", "docker.io/ns/img:latest"},
    {"localhost/x", "localhost/x:latest", "localhost", "localhost/x:latest"},
    {"localhost", "localhost:latest", "registry-1.docker.io", "docker.io/library/localhost:latest"},
    {"localhost:5000/a/b/c:v1", "localhost:5000/a/b/c:v1", "localhost:5000", "localhost:5000/a/b/c:v1"},
    {"LOCALHOST:5000/foo:tag", "LOCALHOST:5000/foo:tag", "LOCALHOST:5000", "LOCALHOST:5000/foo:tag"},
    {"Foo.com/bar:TAG", "Foo.com/bar:TAG", "Foo.com", "Foo.com/bar:TAG"},
    {"quay.io/a/b@sha256:" H "", "quay.io/a/b@sha256:" H "", "quay.io", ""},
    {"" H ":tag", "" H ":tag", "registry-1.docker.io", "docker.io/library/" H ":tag"},
    {"a__b", "a__b:latest", "registry-1.docker.io", "docker.io/library/a__b:latest"},
    {"a--b", "a--b:latest", "registry-1.docker.io", "docker.io/library/a--b:latest"},
    {"a.b_c", "a.b_c:latest", "registry-1.docker.io", "docker.io/library/a.b_c:latest"},
    {"127.0.0.1:1/x", "127.0.0.1:1/x:latest", "127.0.0.1:1", "127.0.0.1:1/x:latest"},
    {"a/b/c", "a/b/c:latest", "registry-1.docker.io", "docker.io/a/b/c:latest"},
    {"index.docker.io/library/x", "x:latest", "registry-1.docker.io", "docker.io/library/x:latest"},
    {"docker.io/x/y/z", "x/y/z:latest", "registry-1.docker.io", "docker.io/x/y/z:latest"},
    {"foo:_x", "foo:_x", "registry-1.docker.io", "docker.io/library/foo:_x"},
    {"my-reg.example.com:443/team/app:1.2.3-rc_1", "my-reg.example.com:443/team/app:1.2.3-rc_1", "my-reg.example.com:443", "my-reg.example.com:443/team/app:1.2.3-rc_1"},
    {"localhost:5000/x", "localhost:5000/x:latest", "localhost:5000", "localhost:5000/x:latest"},
    {"busybox@sha512:" H "" H "", "busybox@sha512:" H "" H "", "registry-1.docker.io", ""},
    {"a.b/c", "a.b/c:latest", "a.b", "a.b/c:latest"},
};

struct ErrorCase {
  std::string input;
  std::string message;
};

const ErrorCase k_errors[] = {
    {"UPPER/x", "invalid reference format: repository name must be lowercase"},
    {"Foo", "invalid reference format: repository name must be lowercase"},
    {"localhost:5000/FOO", "invalid reference format: repository name must be lowercase"},
    {"Localhost/foo", "invalid reference format: repository name must be lowercase"},
    // The lowercase check covers everything before the first ':' of the remainder.
    {"foo@SHA256:" H, "invalid reference format: repository name must be lowercase"},
    {"foo@Sha256:" H, "invalid reference format: repository name must be lowercase"},
    {"\xc3\x89", "invalid reference format: repository name must be lowercase"}, // "É"
    {"x.io/\xc3\xa9", "invalid reference format"},                                 // "é"
    {"", "invalid reference format"},
    {H, "invalid repository name (" H "), cannot specify 64-byte hexadecimal strings"},
    {"foo@sha256:abc", "invalid reference format"},
    {"foo@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm"},
    {"foo@sha256+x:" H, "unsupported digest algorithm"},
    {"foo@a.b:" H, "unsupported digest algorithm"},
    {"foo@a..b:" H, "invalid reference format"},
    {"foo@sha256:0123456789abcdef0123456789abcdef", "invalid checksum digest length"},
    {"foo@sha512:" H, "invalid checksum digest length"},
    {"foo@sha256:" H "0", "invalid checksum digest length"},
    {"-foo", "invalid reference format"},
    {"foo/", "invalid reference format"},
    {"foo:", "invalid reference format"},
    {"foo@", "invalid reference format"},
    {"foo//bar", "invalid reference format"},
    {"a:b:c", "invalid reference format"},
    {"a___b", "invalid reference format"},
    {"a.-b", "invalid reference format"},
    {"a._b", "invalid reference format"},
    {"a-", "invalid reference format"},
    {"a_", "invalid reference format"},
    {"-a.com/x", "invalid reference format"},
    {"a-.com/x", "invalid reference format"},
    {"a.com:/x", "invalid reference format"},
    {"a.com:x/y", "invalid reference format"},
    {"a..com/x", "invalid reference format"},
    {"foo:.x", "invalid reference format"},
    {"foo:-x", "invalid reference format"},
    {"foo bar", "invalid reference format"},
    {"foo:" + std::string(129, 't'), "invalid reference format"},
    // "docker.io/library/" + 238 = 256 characters.
    {std::string(238, 'a'), "repository name must not be more than 255 characters"},
    // Newest go-digest (v1.0.0 regex check) rejects uppercase hex; Debian's 1.9.3 accepted it.
    {"foo@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "invalid checksum digest format"},
};

} // namespace

TEST(DockerName, NormalizesLikeSkopeo) {
  for (const auto& c : k_names) {
    SCOPED_TRACE(c.input);
    auto n = parse_normalized_named(c.input);
    ASSERT_TRUE(n) << n.error().what();
    auto tagged = n->with_default_tag();
    EXPECT_EQ(tagged.familiar(), c.familiar);
    EXPECT_EQ(tagged.registry_host(), c.host);
    if (*c.full) {
      EXPECT_EQ(tagged.str(), c.full);
    }
  }
}

TEST(DockerName, RejectsLikeSkopeo) {
  for (const auto& c : k_errors) {
    SCOPED_TRACE(c.input);
    auto n = parse_normalized_named(c.input);
    ASSERT_FALSE(n) << n->str();
    EXPECT_EQ(n.error().what(), c.message);
  }
}

TEST(DockerName, Parts) {
  auto n = parse_normalized_named("quay.io/ns/img:v1@sha256:" H);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->domain, "quay.io");
  EXPECT_EQ(n->path, "ns/img");
  EXPECT_EQ(n->tag, "v1");
  ASSERT_TRUE(n->digest);
  EXPECT_EQ(n->digest->str(), "sha256:" H);
  EXPECT_EQ(n->name(), "quay.io/ns/img");
  EXPECT_EQ(n->str(), "quay.io/ns/img:v1@sha256:" H);
  EXPECT_EQ(n->repository().str(), "quay.io/ns/img");
  EXPECT_FALSE(n->name_only());

  auto b = parse_normalized_named("busybox");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->name_only());
  EXPECT_EQ(b->str(), "docker.io/library/busybox");
  EXPECT_EQ(b->familiar_name(), "busybox");
  // A digest alone is not replaced by a default tag.
  auto d = parse_normalized_named("busybox@sha256:" H);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->with_default_tag().str(), "docker.io/library/busybox@sha256:" H);
  // docker.io/a/b/c keeps the full path in its familiar name; library/ only when 2 parts.
  EXPECT_EQ(parse_normalized_named("library/a/b")->familiar_name(), "library/a/b");
}

TEST(DockerName, LengthLimitCountsTheDomain) {
  // 5 + 250 = 255 characters is the longest accepted name.
  auto ok = parse_normalized_named("x.io/" + std::string(250, 'a'));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->name().size(), 255u);
  EXPECT_EQ(parse_normalized_named(std::string(237, 'a'))->with_default_tag().str(),
            "docker.io/library/" + std::string(237, 'a') + ":latest");
  EXPECT_EQ(parse_normalized_named("x.io/" + std::string(251, 'a')).error().what(),
            "repository name must not be more than 255 characters");
  EXPECT_TRUE(parse_normalized_named("foo:" + std::string(128, 't')));
}

TEST(DockerName, Tags) {
  EXPECT_TRUE(is_valid_tag("latest"));
  EXPECT_TRUE(is_valid_tag("_x"));
  EXPECT_TRUE(is_valid_tag("1.2.3-rc_1"));
  EXPECT_TRUE(is_valid_tag(std::string(128, 'T')));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'T')));
  EXPECT_FALSE(is_valid_tag(""));
  EXPECT_FALSE(is_valid_tag(".x"));
  EXPECT_FALSE(is_valid_tag("-x"));
  EXPECT_FALSE(is_valid_tag("a/b"));
  EXPECT_FALSE(is_valid_tag("a:b"));
  EXPECT_FALSE(is_valid_tag("sha256:" H));
}

TEST(DockerName, GoDigest) {
  EXPECT_EQ(parse_go_digest("sha256:" H)->str(), "sha256:" H);
  EXPECT_EQ(parse_go_digest("sha256").error().what(), "invalid checksum digest format");
  EXPECT_EQ(parse_go_digest(":" H).error().what(), "invalid checksum digest format");
  EXPECT_EQ(parse_go_digest("sha256:").error().what(), "invalid checksum digest format");
  EXPECT_EQ(parse_go_digest("Sha256:" H).error().what(), "invalid checksum digest format");
  EXPECT_EQ(parse_go_digest("foo:" H).error().what(), "unsupported digest algorithm");
  EXPECT_EQ(parse_go_digest("sha256:abc").error().what(), "invalid checksum digest length");
  EXPECT_EQ(parse_go_digest("sha256:" + std::string(64, 'g')).error().what(), "invalid checksum digest format");
}

TEST(DockerName, HostileInputIsLinear) {
  // A backtracking regex would take exponential time or overflow the stack here.
  std::string evil(200000, 'a');
  for (size_t i = 1; i < evil.size(); i += 2) evil[i] = '-';
  evil += "!";
  EXPECT_EQ(parse_normalized_named(evil).error().what(), "invalid reference format");
}
