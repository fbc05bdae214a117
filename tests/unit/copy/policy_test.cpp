#include <gtest/gtest.h>

#include "hoist/copy/policy.hpp"

using namespace hoist;
using namespace hoist::copy;

namespace {

TEST(Policy, ScopesMostSpecificFirst) {
  auto p = parse_policy(R"({"default":[{"type":"reject"}],
    "transports":{"docker":{"docker.io/library":[{"type":"insecureAcceptAnything"}],
                            "*.example.com":[{"type":"insecureAcceptAnything"}]},
                  "dir":{"":[{"type":"insecureAcceptAnything"}]}}})");
  ASSERT_TRUE(p) << p.error().what();
  auto name = reference::parse_image_name("docker://busybox");
  ASSERT_TRUE(name);
  EXPECT_TRUE(check_policy(PolicyCheck{*p, policy_subject(*name)}));
  name = reference::parse_image_name("docker://reg.example.com/x/y:1");
  EXPECT_TRUE(check_policy(PolicyCheck{*p, policy_subject(*name)}));
  name = reference::parse_image_name("docker://quay.io/x/y:1");
  auto r = check_policy(PolicyCheck{*p, policy_subject(*name)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "Running image docker://quay.io/x/y:1 is rejected by policy.");
  name = reference::parse_image_name("dir:/tmp/x");
  EXPECT_TRUE(check_policy(PolicyCheck{*p, policy_subject(*name)}));
}

TEST(Policy, FormatErrors) {
  EXPECT_EQ(parse_policy(R"({"transports":{}})").error().what(), "Default policy is missing");
  EXPECT_EQ(parse_policy(R"({"default":[{"type":"nope"}]})").error().what(),
            "Unknown policy requirement type \"nope\"");
  EXPECT_EQ(parse_policy(R"({"default":[]})").error().what(),
            "List of verification policy requirements must not be empty");
  EXPECT_EQ(parse_policy(R"({"default":[{"type":"reject"}],"x":1})").error().what(), "Unknown key \"x\"");
}

TEST(Policy, SignedByIsUnsupported) {
  auto p = parse_policy(R"({"default":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/k"}]})");
  ASSERT_TRUE(p);
  auto r = check_policy(PolicyCheck{*p, PolicySubject{"dir", "/x", {}, "dir:/x"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::unsupported);
}

TEST(Policy, DockerSubject) {
  auto name = reference::parse_image_name("docker://localhost:5000/a/b:t");
  ASSERT_TRUE(name);
  auto s = policy_subject(*name);
  EXPECT_EQ(s.identity, "localhost:5000/a/b:t");
  EXPECT_EQ(s.namespaces, (std::vector<std::string>{"localhost:5000/a/b", "localhost:5000/a", "localhost:5000"}));
}

} // namespace
