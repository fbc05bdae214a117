// The registry client against a real docker-registry 2.8 (push, pull, tags, mount,
// delete; error texts checked against skopeo's), and against scripted servers for
// bearer auth, Range resume and 503 retries.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <atomic>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/registry/client.hpp"
#include "hoist/util/strings.hpp"
#include "servers.hpp"

using namespace hoist;
using namespace hoist::registry;
using testing_servers::DockerRegistry;
using testing_servers::RawRequest;
using testing_servers::ScriptedServer;

namespace {

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::shared_ptr<Repository> repo_for(const std::string& host, const std::string& path, const std::string& actions,
                                     Session session = {}) {
  HostConfig config;
  config.registry = host;
  config.tls.verify = false;
  config.user_agent = "hoist-test";
  return std::make_shared<Repository>(Client::get(config), host + "/" + path, path, actions, std::move(session));
}

BodySource memory_source(const std::string& data) {
  return [data]() -> Result<ReaderPtr> { return ReaderPtr(std::make_unique<MemoryReader>(data)); };
}

// skopeo's fatal message (unquoted msg field) for a command.
std::string skopeo_error(const std::string& args) {
  std::string cmd = "skopeo " + args + " 2>&1 >/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  return out;
}

std::string skopeo_stdout(const std::string& args) {
  std::string cmd = "skopeo " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  return out;
}

std::string reply(int status, const std::string& reason, const std::vector<std::string>& headers, const std::string& body,
                  size_t content_length = std::string::npos) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\nConnection: close\r\nContent-Length: {}\r\n", status, reason,
                                content_length == std::string::npos ? body.size() : content_length);
  for (const auto& h : headers) out += h + "\r\n";
  return out + "\r\n" + body;
}

class LiveRegistry : public ::testing::Test {
protected:
  static void SetUpTestSuite() { s_registry = new DockerRegistry(); }
  static void TearDownTestSuite() {
    delete s_registry;
    s_registry = nullptr;
  }
  static DockerRegistry* s_registry;

  // Pushes config + one layer + a schema2 manifest under `tag`; returns the manifest.
  std::string push_image(Repository& repo, const std::string& tag, unsigned seed) {
    std::string config = fmt::format(R"({{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":[]}},"seed":{}}})", seed);
    std::string layer = random_bytes(300 * 1024 + seed, seed);
    auto c = repo.upload_blob(memory_source(config), true, static_cast<int64_t>(config.size()), Digest::of(config));
    EXPECT_TRUE(c) << c.error().what();
    auto l = repo.upload_blob(memory_source(layer), true, -1, std::nullopt);
    EXPECT_TRUE(l) << l.error().what();
    std::string manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}}]}})",
        config.size(), Digest::of(config).str(), layer.size(), Digest::of(layer).str());
    auto st = repo.put_manifest(tag, manifest, "application/vnd.docker.distribution.manifest.v2+json");
    EXPECT_TRUE(st) << st.error().what();
    return manifest;
  }
};
DockerRegistry* LiveRegistry::s_registry = nullptr;

} // namespace

TEST_F(LiveRegistry, BlobRoundTripWithUnknownDigestAndLength) {
  auto repo = repo_for(s_registry->host(), "hoist/blobs", "pull,push");
  std::string data = random_bytes(3 * 1024 * 1024 + 17, 1);
  auto up = repo->upload_blob(memory_source(data), true, -1, std::nullopt);
  ASSERT_TRUE(up) << up.error().what();
  EXPECT_EQ(up->digest, Digest::of(data));
  EXPECT_EQ(up->size, static_cast<int64_t>(data.size()));
  auto exists = repo->blob_exists(up->digest);
  ASSERT_TRUE(exists) << exists.error().what();
  ASSERT_TRUE(*exists);
  EXPECT_EQ(**exists, static_cast<int64_t>(data.size()));
  auto blob = repo->get_blob(up->digest);
  ASSERT_TRUE(blob) << blob.error().what();
  EXPECT_EQ(blob->size, static_cast<int64_t>(data.size()));
  auto back = read_all(*blob->reader, 8u << 20);
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
  auto missing = repo->blob_exists(Digest::of("nothing here"));
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_F(LiveRegistry, ManifestPutGetHeadAndSkopeoReadsIt) {
  auto repo = repo_for(s_registry->host(), "hoist/app", "pull,push");
  std::string manifest = push_image(*repo, "v1", 2);
  auto got = repo->get_manifest("v1");
  ASSERT_TRUE(got) << got.error().what();
  EXPECT_EQ(got->bytes, manifest);
  EXPECT_EQ(got->content_type, "application/vnd.docker.distribution.manifest.v2+json");
  ASSERT_TRUE(got->docker_content_digest);
  EXPECT_EQ(*got->docker_content_digest, Digest::of(manifest));
  auto head = repo->head_manifest("v1");
  ASSERT_TRUE(head && *head);
  EXPECT_EQ(*(*head)->docker_content_digest, Digest::of(manifest));
  auto none = repo->head_manifest("nope");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  // The oracle reads exactly the bytes we pushed.
  EXPECT_EQ(skopeo_stdout(fmt::format("inspect --raw --tls-verify=false docker://{}/hoist/app:v1", s_registry->host())),
            manifest);
}

TEST_F(LiveRegistry, ManifestUnknownTextMatchesSkopeo) {
  auto repo = repo_for(s_registry->host(), "hoist/app", "pull");
  auto got = repo->get_manifest("nope");
  ASSERT_FALSE(got);
  std::string expected = fmt::format("reading manifest nope in {}/hoist/app: manifest unknown", s_registry->host());
  EXPECT_EQ(got.error().what(), expected);
  EXPECT_EQ(got.error().kind(), ErrorKind::manifest_unknown);
  std::string oracle = skopeo_error(fmt::format("inspect --tls-verify=false docker://{}/hoist/app:nope", s_registry->host()));
  EXPECT_NE(oracle.find(expected), std::string::npos) << oracle;
}

TEST_F(LiveRegistry, TagsListAndPaginationAgreeWithSkopeo) {
  auto repo = repo_for(s_registry->host(), "hoist/tags", "pull,push");
  push_image(*repo, "b", 3);
  for (const char* tag : {"a", "c"}) {
    auto m = repo->get_manifest("b");
    ASSERT_TRUE(m);
    ASSERT_TRUE(repo->put_manifest(tag, m->bytes, m->content_type));
  }
  auto tags = repo->list_tags();
  ASSERT_TRUE(tags) << tags.error().what();
  std::string oracle = skopeo_stdout(fmt::format("list-tags --tls-verify=false docker://{}/hoist/tags", s_registry->host()));
  auto parsed = nlohmann::json::parse(oracle, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << oracle;
  EXPECT_EQ(*tags, parsed["Tags"].get<std::vector<std::string>>()); // registry order, not sorted
  EXPECT_EQ(tags->size(), 3u);
}

TEST(Scripted, TagsFollowLinkAndSkipDigestShapedTags) {
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(200, "OK", {}, "");
    if (r.target == "/v2/a/b/tags/list")
      return reply(200, "OK", {"Link: </v2/a/b/tags/list?last=t2&n=2>; rel=\"next\""}, R"({"name":"a/b","tags":["t1","t2"]})");
    if (r.target == "/v2/a/b/tags/list?last=t2&n=2")
      return reply(200, "OK", {}, R"({"name":"a/b","tags":["","sha256:0000000000000000000000000000000000000000000000000000000000000000","t3"]})");
    return reply(404, "Not Found", {}, "");
  });
  auto repo = repo_for(server.host(), "a/b", "pull");
  auto tags = repo->list_tags();
  ASSERT_TRUE(tags) << tags.error().what();
  EXPECT_EQ(*tags, (std::vector<std::string>{"t1", "t2", "t3"}));
}

TEST(Scripted, InvalidTagIsAnError) {
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(200, "OK", {}, "");
    return reply(200, "OK", {}, R"({"tags":["ok","-bad"]})");
  });
  auto tags = repo_for(server.host(), "a/b", "pull")->list_tags();
  ASSERT_FALSE(tags);
  EXPECT_EQ(tags.error().what(), "registry returned invalid tag \"-bad\": invalid tag format");
}

TEST_F(LiveRegistry, MountFromAnotherRepository) {
  auto a = repo_for(s_registry->host(), "hoist/mount-a", "pull,push");
  auto b = repo_for(s_registry->host(), "hoist/mount-b", "pull,push");
  std::string data = random_bytes(100000, 4);
  auto up = a->upload_blob(memory_source(data), true, static_cast<int64_t>(data.size()), std::nullopt);
  ASSERT_TRUE(up);
  auto before = b->blob_exists(up->digest);
  ASSERT_TRUE(before);
  EXPECT_FALSE(*before);
  auto in_a = b->blob_exists_in(a->name(), a->path(), up->digest);
  ASSERT_TRUE(in_a && *in_a);
  auto st = b->mount_blob(a->name(), a->path(), up->digest);
  ASSERT_TRUE(st) << st.error().what();
  auto after = b->blob_exists(up->digest);
  ASSERT_TRUE(after && *after);
  // A digest the source does not have: the registry starts an upload instead (202).
  auto bad = b->mount_blob(a->name(), a->path(), Digest::of("absent"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), fmt::format("Mounting {} from {} to {} started an upload instead",
                                            Digest::of("absent").str(), a->name(), b->name()));
}

TEST_F(LiveRegistry, DeleteManifest) {
  auto repo = repo_for(s_registry->host(), "hoist/del", "*");
  std::string manifest = push_image(*repo, "gone", 5);
  auto st = repo->delete_manifest(Digest::of(manifest), s_registry->host() + "/hoist/del:gone");
  ASSERT_TRUE(st) << st.error().what();
  auto got = repo->get_manifest("gone");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().registry_code, "MANIFEST_UNKNOWN");
  auto again = repo->delete_manifest(Digest::of(manifest), s_registry->host() + "/hoist/del:gone");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().what(), fmt::format("deleting {}/hoist/del:gone: manifest unknown", s_registry->host()));
}

TEST(PingErrors, ConnectionRefusedMatchesSkopeo) {
  int port = testing_servers::free_port();
  std::string host = "127.0.0.1:" + std::to_string(port);
  auto repo = repo_for(host, "x/y", "pull");
  auto got = repo->get_manifest("latest");
  ASSERT_FALSE(got);
  std::string expected = fmt::format("pinging container registry {0}: Get \"http://{0}/v2/\": dial tcp {0}: connect: "
                                     "connection refused",
                                     host);
  EXPECT_EQ(got.error().what(), expected);
  std::string oracle = skopeo_error(fmt::format("inspect --tls-verify=false docker://{}/x/y:latest", host));
  std::string quoted = go_quote(expected); // logrus %q-quotes the message
  EXPECT_NE(oracle.find(quoted.substr(1, quoted.size() - 2)), std::string::npos) << oracle;
}


TEST(Scripted, BearerTokenFlowAndCache) {
  std::string realm;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/")
      return reply(401, "Unauthorized", {"WWW-Authenticate: Bearer realm=\"" + realm + "\",service=\"svc\""}, "");
    if (r.target.rfind("/token", 0) == 0) return reply(200, "OK", {}, R"({"token":"T0K"})");
    if (r.header("Authorization") != "Bearer T0K") return reply(401, "Unauthorized", {}, "");
    return reply(200, "OK", {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, "{}");
  });
  realm = "http://" + server.host() + "/token";
  Session session;
  session.creds = auth::Credentials{"u", "p", ""};
  auto repo = repo_for(server.host(), "a/b", "pull", session);
  ASSERT_TRUE(repo->get_manifest("t1")) << "first";
  ASSERT_TRUE(repo->get_manifest("t2")) << "second";
  std::vector<RawRequest> tokens;
  for (const auto& r : server.requests())
    if (r.target.rfind("/token", 0) == 0) tokens.push_back(r);
  ASSERT_EQ(tokens.size(), 1u); // cached for the second request
  EXPECT_EQ(tokens[0].target, "/token?account=u&scope=repository%3Aa%2Fb%3Apull&service=svc");
  EXPECT_EQ(tokens[0].header("Authorization"), "Basic dTpw");
}

TEST(Scripted, BlobReadResumesWithRange) {
  const std::string blob = random_bytes(2 * 1024 * 1024, 6);
  const size_t cut = 1536 * 1024;
  int gets = 0;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(200, "OK", {}, "");
    if (++gets == 1) return reply(200, "OK", {}, blob.substr(0, cut), blob.size()); // dropped mid-body
    return reply(206, "Partial Content",
                 {fmt::format("Content-Range: bytes {}-{}/{}", cut, blob.size() - 1, blob.size())}, blob.substr(cut));
  });
  auto repo = repo_for(server.host(), "a/b", "pull");
  auto got = repo->get_blob(Digest::of(blob));
  ASSERT_TRUE(got) << got.error().what();
  auto data = read_all(*got->reader, 4u << 20);
  ASSERT_TRUE(data) << data.error().what();
  EXPECT_TRUE(*data == blob);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].header("Range"), fmt::format("bytes={}-", cut));
}

TEST(Scripted, ServiceUnavailableIsRetriedHonouringRetryAfter) {
  int manifest_gets = 0;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(200, "OK", {}, "");
    if (++manifest_gets == 1) return reply(503, "Service Unavailable", {"Retry-After: 0"}, "busy");
    return reply(200, "OK", {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, "{\"ok\":1}");
  });
  auto repo = repo_for(server.host(), "a/b", "pull");
  auto got = repo->get_manifest("latest");
  ASSERT_TRUE(got) << got.error().what();
  EXPECT_EQ(got->bytes, "{\"ok\":1}");
  EXPECT_EQ(manifest_gets, 2);
}

TEST(Scripted, NotFoundIsNotRetried) {
  int gets = 0;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(200, "OK", {}, "");
    ++gets;
    return reply(404, "Not Found", {}, "404 page not found\n");
  });
  auto repo = repo_for(server.host(), "a/b", "pull");
  auto got = repo->get_manifest("latest");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().what(),
            fmt::format("reading manifest latest in {}/a/b: StatusCode: 404, \"404 page not found\\n\"", server.host()));
  EXPECT_EQ(gets, 1);
}

TEST(Tls, UnknownAuthorityThenCertDir) {
  DockerRegistry registry(true);
  HostConfig config;
  config.registry = registry.host();
  config.tls.verify = true;
  auto repo = std::make_shared<Repository>(Client::get(config), registry.host() + "/t/x", "t/x", "pull", Session{});
  auto got = repo->get_manifest("latest");
  ASSERT_FALSE(got);
  std::string expected = fmt::format("pinging container registry {0}: Get \"https://{0}/v2/\": tls: failed to verify "
                                     "certificate: x509: certificate signed by unknown authority",
                                     registry.host());
  EXPECT_EQ(got.error().what(), expected);
  // skopeo 1.9.3 is a Go 1.19 build, which lacks the "tls: failed to verify certificate: " prefix.
  std::string oracle = skopeo_error(fmt::format("inspect docker://{}/t/x:latest", registry.host()));
  EXPECT_NE(oracle.find("x509: certificate signed by unknown authority"), std::string::npos) << oracle;

  config.tls.cert_dir = registry.ca_dir();
  auto trusted = std::make_shared<Repository>(Client::get(config), registry.host() + "/t/x", "t/x", "pull", Session{});
  auto got2 = trusted->get_manifest("latest");
  ASSERT_FALSE(got2);
  EXPECT_EQ(got2.error().what(), fmt::format("reading manifest latest in {}/t/x: manifest unknown", registry.host()));

  HostConfig insecure;
  insecure.registry = registry.host();
  insecure.tls.verify = false;
  auto skip = std::make_shared<Repository>(Client::get(insecure), registry.host() + "/t/x", "t/x", "pull", Session{});
  auto got3 = skip->get_manifest("latest");
  ASSERT_FALSE(got3);
  EXPECT_EQ(got3.error().registry_code, "MANIFEST_UNKNOWN");
  EXPECT_EQ(skip->client().base_url(), "https://" + registry.host());
}

TEST(Htpasswd, CheckLoginAndBasicAuth) {
  DockerRegistry registry(false, "alice", "s3cret");
  HostConfig config;
  config.registry = registry.host();
  config.tls.verify = false;
  auto ok = check_login(config, auth::Credentials{"alice", "s3cret", ""}, Session{});
  EXPECT_TRUE(ok) << ok.error().what();
  auto bad = check_login(config, auth::Credentials{"alice", "wrong", ""}, Session{});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::unauthorized);
  std::string oracle = skopeo_error(fmt::format("login --tls-verify=false -u alice -p wrong {}", registry.host()));
  // skopeo: logging into "<host>": invalid username/password (its own wording around CheckAuth).
  EXPECT_NE(bad.error().what().find("unable to retrieve auth token: invalid username/password: "), std::string::npos);
  EXPECT_NE(oracle.find("invalid username/password"), std::string::npos) << oracle;

  Session session;
  session.creds = auth::Credentials{"alice", "s3cret", ""};
  auto repo = std::make_shared<Repository>(Client::get(config), registry.host() + "/p/q", "p/q", "pull,push", session);
  std::string data = random_bytes(5000, 9);
  auto up = repo->upload_blob(memory_source(data), true, static_cast<int64_t>(data.size()), Digest::of(data));
  ASSERT_TRUE(up) << up.error().what();
  Session anon;
  auto anonymous = std::make_shared<Repository>(Client::get(config), registry.host() + "/p/q", "p/q", "pull", anon);
  auto denied = anonymous->blob_exists(up->digest);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().http_status, 401);
}

TEST_F(LiveRegistry, ParallelDownloadsShareTheClient) {
  auto repo = repo_for(s_registry->host(), "hoist/parallel", "pull,push");
  std::vector<std::string> blobs;
  for (unsigned i = 0; i < 6; ++i) {
    blobs.push_back(random_bytes(700 * 1024 + i, 20 + i));
    ASSERT_TRUE(repo->upload_blob(memory_source(blobs.back()), true, -1, std::nullopt));
  }
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int round = 0; round < 2; ++round)
    for (const auto& b : blobs)
      threads.emplace_back([&, b] {
        auto got = repo->get_blob(Digest::of(b));
        if (!got) return;
        auto data = read_all(*got->reader, 2u << 20);
        if (data && *data == b) ++good;
      });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 12);
}

TEST(Scripted, InsufficientScopeRetriesOnceWithTheNewScope) {
  std::string realm;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    std::string challenge = "WWW-Authenticate: Bearer realm=\"" + realm + "\",service=\"svc\"";
    if (r.target == "/v2/") return reply(401, "Unauthorized", {challenge}, "");
    if (r.target.rfind("/token", 0) == 0)
      return reply(200, "OK", {}, r.target.find("other") != std::string::npos ? R"({"token":"WIDE"})" : R"({"token":"NARROW"})");
    if (r.header("Authorization") == "Bearer WIDE")
      return reply(200, "OK", {"Content-Type: application/vnd.oci.image.manifest.v1+json"}, "{}");
    return reply(401, "Unauthorized", {challenge + ",error=\"insufficient_scope\",scope=\"repository:other/x:pull\""}, "");
  });
  realm = "http://" + server.host() + "/token";
  auto repo = repo_for(server.host(), "a/b", "pull");
  auto got = repo->get_manifest("latest");
  ASSERT_TRUE(got) << got.error().what();
  std::vector<std::string> token_targets;
  for (const auto& r : server.requests())
    if (r.target.rfind("/token", 0) == 0) token_targets.push_back(r.target);
  ASSERT_EQ(token_targets.size(), 2u);
  EXPECT_EQ(token_targets[0], "/token?scope=repository%3Aa%2Fb%3Apull&service=svc");
  EXPECT_EQ(token_targets[1], "/token?scope=repository%3Aa%2Fb%3Apull&scope=repository%3Aother%2Fx%3Apull&service=svc");
}

TEST(Scripted, IdentityTokenIsExchangedByPost) {
  std::string realm;
  std::vector<std::string> methods;
  ScriptedServer server([&](const RawRequest& r) -> std::string {
    if (r.target == "/v2/") return reply(401, "Unauthorized", {"WWW-Authenticate: Bearer realm=\"" + realm + "\",service=\"svc\""}, "");
    if (r.target == "/oauth") {
      methods.push_back(r.method + " " + r.header("Content-Type"));
      return reply(200, "OK", {}, R"({"access_token":"AT"})");
    }
    if (r.header("Authorization") == "Bearer AT") return reply(200, "OK", {"Content-Type: application/json"}, "{}");
    return reply(401, "Unauthorized", {}, "");
  });
  realm = "http://" + server.host() + "/oauth";
  Session session;
  session.creds = auth::Credentials{"", "", "refresh-me"};
  auto got = repo_for(server.host(), "a/b", "pull", session)->get_manifest("latest");
  ASSERT_TRUE(got) << got.error().what();
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(methods[0], "POST application/x-www-form-urlencoded");
}
