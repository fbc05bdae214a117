// URL helpers, proxy choice and transfer behaviour of the HTTP client (Go semantics).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "hoist/http/client.hpp"
#include "hoist/http/detail.hpp"
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


TEST(Proxy, GoProxyFromEnvironmentRules) {
  setenv("HTTPS_PROXY", "http://proxy.example:3128", 1);
  setenv("http_proxy", "http://plain-proxy:8080", 1);
  setenv("NO_PROXY", "internal.example,.corp", 1);
  auto pick = [](const char* url) { return detail::proxy_for(*parse_url(url)); };
  EXPECT_EQ(pick("https://registry.example/v2/"), "http://proxy.example:3128");
  EXPECT_EQ(pick("http://registry.example/v2/"), "http://plain-proxy:8080");
  EXPECT_EQ(pick("https://127.0.0.1:5000/v2/"), ""); // loopback is never proxied
  EXPECT_EQ(pick("https://localhost/v2/"), "");
  EXPECT_EQ(pick("https://internal.example/v2/"), "");
  EXPECT_EQ(pick("https://a.internal.example/v2/"), "");
  EXPECT_EQ(pick("https://x.corp/v2/"), "");
  unsetenv("HTTPS_PROXY");
  unsetenv("http_proxy");
  unsetenv("NO_PROXY");
  EXPECT_EQ(pick("https://registry.example/v2/"), "");
}

TEST(Http, StreamsLargeBodiesAndReportsEarlyClose) {
  // A server that promises more than it sends: Go reports "unexpected EOF".
  // (Driven through a local socket pair served by a thread.)
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  listen(fd, 1);
  std::string payload(3 << 20, 'x');
  std::thread server([&] {
    int c = accept(fd, nullptr, nullptr);
    char buf[4096];
    recv(c, buf, sizeof buf, 0);
    std::string head = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(payload.size() + 10) + "\r\n\r\n";
    send(c, head.data(), head.size(), MSG_NOSIGNAL);
    send(c, payload.data(), payload.size(), MSG_NOSIGNAL);
    close(c);
  });
  Request req;
  req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/blob";
  auto stream = open(req);
  ASSERT_TRUE(stream) << stream.error().what();
  EXPECT_EQ((*stream)->response().status, 200);
  std::vector<std::byte> buf(64 * 1024);
  size_t total = 0;
  hoist::Result<size_t> r = size_t{0};
  while ((r = (*stream)->read(buf)) && *r > 0) total += *r;
  server.join();
  close(fd);
  ASSERT_FALSE(r);
  EXPECT_EQ(total, payload.size());
  EXPECT_EQ(r.error().what(), "unexpected EOF");
}
