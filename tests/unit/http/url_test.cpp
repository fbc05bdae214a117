#include <gtest/gtest.h>

#include "hoist/http/client.hpp"
#include "hoist/http/url.hpp"

using namespace hoist::http;

TEST(Url, QueryEscapeLikeGo) {
  EXPECT_EQ(query_escape("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
  EXPECT_EQ(query_escape("a b~_.-"), "a+b~_.-");
  EXPECT_EQ(query_unescape("a+b%3A%zz"), "a b:%zz");
}

TEST(Url, EncodeValuesSortsKeysKeepsValueOrder) {
  EXPECT_EQ(encode_values({{"service", "s"}, {"scope", "b"}, {"account", "u"}, {"scope", "a"}}),
            "account=u&scope=b&scope=a&service=s");
  auto q = parse_query("_state=abc%3D&digest=sha256%3A00");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].second, "abc=");
  EXPECT_EQ(q[1].second, "sha256:00");
}

TEST(Url, ParseAndResolve) {
  auto u = parse_url("https://[::1]:5000/v2/x?y=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, "5000");
  EXPECT_EQ(u->host_port(), "[::1]:5000");
  EXPECT_EQ(u->path, "/v2/x");
  EXPECT_EQ(u->query, "y=1");
  EXPECT_EQ(*resolve_url("http://h:1/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/uuid?_state=x"),
            "http://h:1/v2/a/blobs/uploads/uuid?_state=x");
  EXPECT_EQ(*resolve_url("http://h:1/v2/a/", "http://other/x"), "http://other/x");
}

TEST(Http, GoNames) {
  EXPECT_EQ(go_method_op("GET"), "Get");
  EXPECT_EQ(go_method_op("PATCH"), "Patch");
  EXPECT_EQ(status_text(502), "Bad Gateway");
}

TEST(Http, ConnectionRefusedTextIsGos) {
  Request req;
  req.url = "http://127.0.0.1:1/v2/";
  auto r = perform(req);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "Get \"http://127.0.0.1:1/v2/\": dial tcp 127.0.0.1:1: connect: connection refused");
  EXPECT_EQ(r.error().kind(), hoist::ErrorKind::network);
}
