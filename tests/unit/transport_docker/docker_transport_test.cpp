// docker:// ImageSource / ImageDestination and the CLI helpers against a real
// docker-registry, with skopeo reading what we wrote and giving the expected texts.
#include <gtest/gtest.h>

#include <cstdio>
#include <iostream>
#include <random>

#include <fmt/format.h>

#include "../registry/servers.hpp"
#include "hoist/transport/docker/docker.hpp"
#include "hoist/util/strings.hpp"

using namespace hoist;
using namespace hoist::transport;
using testing_servers::DockerRegistry;

namespace {

std::string run(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  return out;
}

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

Context context() {
  Context ctx;
  ctx.tls_verify = false;
  ctx.no_creds = true;
  ctx.user_agent = "hoist-test";
  return ctx;
}

reference::DockerName name(const std::string& host, const std::string& path, const std::string& tag) {
  auto n = reference::parse_normalized_named(host + "/" + path + (tag.empty() ? "" : ":" + tag));
  EXPECT_TRUE(n) << n.error().what();
  return *n;
}

class DockerTransport : public ::testing::Test {
protected:
  static void SetUpTestSuite() { s_registry = new DockerRegistry(); }
  static void TearDownTestSuite() {
    delete s_registry;
    s_registry = nullptr;
  }
  static DockerRegistry* s_registry;

  struct Pushed {
    std::string manifest, config, layer;
  };
  // Writes an image through the ImageDestination interface, as the copy engine does.
  Pushed push(ImageDestination& dest, unsigned seed) {
    Pushed p;
    p.config = fmt::format(R"({{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":[]}},"n":{}}})", seed);
    p.layer = random_bytes(200000 + seed, seed);
    MemoryReader config_reader(p.config);
    BlobInfo config_info;
    config_info.digest = Digest::of(p.config);
    config_info.size = static_cast<int64_t>(p.config.size());
    auto c = dest.put_blob(config_reader, config_info, true);
    EXPECT_TRUE(c) << c.error().what();
    std::string layer_copy = p.layer;
    auto l = dest.put_blob_reopenable([layer_copy]() -> Result<ReaderPtr> { return ReaderPtr(std::make_unique<MemoryReader>(layer_copy)); },
                                      BlobInfo{}, false);
    EXPECT_TRUE(l) << l.error().what();
    EXPECT_EQ(*l->digest, Digest::of(p.layer));
    p.manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}}]}})",
        p.config.size(), Digest::of(p.config).str(), p.layer.size(), Digest::of(p.layer).str());
    auto st = dest.put_manifest(p.manifest, "application/vnd.docker.distribution.manifest.v2+json", std::nullopt);
    EXPECT_TRUE(st) << st.error().what();
    EXPECT_TRUE(dest.commit());
    return p;
  }
};
DockerRegistry* DockerTransport::s_registry = nullptr;

} // namespace

TEST_F(DockerTransport, DestinationThenSourceRoundTrip) {
  auto dest = docker::open_docker_destination(name(s_registry->host(), "td/app", "v1"), false, context());
  ASSERT_TRUE(dest) << dest.error().what();
  EXPECT_TRUE((*dest)->thread_safe_put_blob());
  EXPECT_EQ((*dest)->desired_layer_compression(), LayerCompression::compress);
  Pushed p = push(**dest, 1);

  auto src = docker::open_docker_source(name(s_registry->host(), "td/app", "v1"), context());
  ASSERT_TRUE(src) << src.error().what();
  EXPECT_EQ((*src)->description(), fmt::format("docker://{}/td/app:v1", s_registry->host()));
  EXPECT_EQ((*src)->docker_reference_name(), s_registry->host() + "/td/app");
  auto m = (*src)->get_manifest(std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->bytes, p.manifest);
  EXPECT_EQ(m->mime, "application/vnd.docker.distribution.manifest.v2+json");
  BlobInfo info;
  info.digest = Digest::of(p.layer);
  auto blob = (*src)->get_blob(info);
  ASSERT_TRUE(blob) << blob.error().what();
  EXPECT_EQ(blob->size, static_cast<int64_t>(p.layer.size()));
  auto bytes = read_all(*blob->reader, 1u << 20);
  ASSERT_TRUE(bytes);
  EXPECT_TRUE(*bytes == p.layer);
  EXPECT_EQ(run(fmt::format("skopeo inspect --raw --tls-verify=false docker://{}/td/app:v1 2>&1", s_registry->host())),
            p.manifest);
}

TEST_F(DockerTransport, ReuseByHeadAndByCrossRepositoryMount) {
  auto a = docker::open_docker_destination(name(s_registry->host(), "td/mount-src", "x"), false, context());
  ASSERT_TRUE(a);
  Pushed p = push(**a, 2);
  auto b = docker::open_docker_destination(name(s_registry->host(), "td/mount-dst", "x"), false, context());
  ASSERT_TRUE(b);
  BlobInfo info;
  info.digest = Digest::of(p.layer);
  auto plain = (*b)->try_reuse_blob(info);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(*plain); // not there and no source repository known
  info.source_registry = s_registry->host();
  info.source_repository = "td/mount-src";
  auto mounted = (*b)->try_reuse_blob(info);
  ASSERT_TRUE(mounted) << mounted.error().what();
  EXPECT_TRUE(*mounted);
  BlobInfo plain_info;
  plain_info.digest = Digest::of(p.layer);
  auto now = (*b)->try_reuse_blob(plain_info);
  ASSERT_TRUE(now);
  EXPECT_TRUE(*now); // found by HEAD after the mount
}

TEST_F(DockerTransport, UnknownDigestDestinationPushesByDigest) {
  auto dest = docker::open_docker_destination(name(s_registry->host(), "td/bydigest", ""), true, context());
  ASSERT_TRUE(dest);
  EXPECT_EQ((*dest)->description(), fmt::format("docker://{}/td/bydigest@@unknown-digest@@", s_registry->host()));
  Pushed p = push(**dest, 3);
  EXPECT_EQ(run(fmt::format("skopeo inspect --raw --tls-verify=false docker://{}/td/bydigest@{} 2>&1", s_registry->host(),
                            Digest::of(p.manifest).str())),
            p.manifest);
  // Without tags docker-registry 2.8 does not know the repository at all. (skopeo 1.9.3
  // words this "invalid status code from registry 404 (Not Found)"; the newest uses
  // registryHTTPResponseToError, as here.)
  auto tags = docker::list_tags(name(s_registry->host(), "td/bydigest", ""), context());
  // §6: registry errors print as "<code lowercased, _ → space>: <message>", as skopeo 1.9.3 does.
  ASSERT_FALSE(tags);
  EXPECT_EQ(tags.error().what(), "fetching tags list: name unknown: repository name not known to registry");
}

TEST_F(DockerTransport, InvalidManifestIsTypeRejected) {
  auto dest = docker::open_docker_destination(name(s_registry->host(), "td/reject", "v1"), false, context());
  ASSERT_TRUE(dest);
  // A schema2 manifest whose blobs are missing: MANIFEST_BLOB_UNKNOWN, not a type rejection.
  std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]})";
  auto st = (*dest)->put_manifest(m, "", std::nullopt);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().kind(), ErrorKind::unsupported);
  EXPECT_EQ(st.error().what(), fmt::format("uploading manifest v1 to {}/td/reject: manifest blob unknown: blob unknown to registry", s_registry->host()));
  // Bytes the registry cannot parse: MANIFEST_INVALID, which the copy engine treats as
  // "type rejected" (try the next manifest format).
  auto st2 = (*dest)->put_manifest("{not json", "", std::nullopt);
  ASSERT_FALSE(st2);
  EXPECT_EQ(st2.error().registry_code, "MANIFEST_INVALID");
  EXPECT_EQ(st2.error().kind(), ErrorKind::unsupported);
  EXPECT_EQ(st2.error().what(), fmt::format("uploading manifest v1 to {}/td/reject: manifest invalid", s_registry->host()));
}

TEST_F(DockerTransport, DeleteMatchesSkopeoTexts) {
  auto missing = name(s_registry->host(), "td/del", "nope");
  auto st = docker::delete_image(missing, context());
  ASSERT_FALSE(st);
  std::string expected = fmt::format("Unable to delete {}/td/del:nope. Image may not exist or is not stored with a v2 "
                                     "Schema in a v2 registry",
                                     s_registry->host());
  EXPECT_EQ(st.error().what(), expected);
  std::string oracle = run(fmt::format("skopeo delete --tls-verify=false docker://{}/td/del:nope 2>&1", s_registry->host()));
  EXPECT_NE(oracle.find(expected), std::string::npos) << oracle;

  auto dest = docker::open_docker_destination(name(s_registry->host(), "td/del", "v1"), false, context());
  ASSERT_TRUE(dest);
  push(**dest, 4);
  ASSERT_TRUE(docker::delete_image(name(s_registry->host(), "td/del", "v1"), context()));
  auto src = docker::open_docker_source(name(s_registry->host(), "td/del", "v1"), context());
  ASSERT_FALSE(src);
  EXPECT_EQ(src.error().what(), fmt::format("reading manifest v1 in {}/td/del: manifest unknown", s_registry->host()));
  EXPECT_EQ(src.error().kind(), ErrorKind::manifest_unknown);
}

TEST_F(DockerTransport, InspectTagsOfUnknownRepository) {
  auto tags = docker::repo_tags_for_inspect(name(s_registry->host(), "td/none", ""), context());
  ASSERT_FALSE(tags);
  EXPECT_EQ(tags.error().what(),
            "Error determining repository tags: fetching tags list: name unknown: repository name not known to registry");
}
