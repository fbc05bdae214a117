// Manifest lists against skopeo: list conversion with updated instances (copy --all
// --format oci) and the platform choice of §7.9 (inspect --override-*).
#include <gtest/gtest.h>

#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/manifest.hpp"
#include "skopeo_fixture.hpp"

namespace hoist::manifest {
namespace {

using namespace test;

struct Instance {
  std::string arch, variant, manifest, config;
  Digest digest = Digest::of("");
};

class SkopeoList : public ::testing::Test {
protected:
  void SetUp() override {
    if (!have_skopeo()) GTEST_SKIP() << "skopeo not installed";
    dir = tmp.path / "list";
    fs::create_directories(dir);
  }

  Instance add_instance(const std::string& arch, const std::string& variant) {
    Instance in{arch, variant, {}, {}};
    std::string tar = make_tar(tmp.path, arch + variant + ".txt", arch + variant);
    std::string gz = gzip_bytes(tmp.path, tar);
    Digest l = put_blob(dir, gz);
    in.config = fmt::format(R"({{"architecture":"{}","os":"linux","config":{{"Env":["V={}"]}},"rootfs":{{"type":"layers","diff_ids":["{}"]}}}})",
                            arch, variant, Digest::of(tar).str());
    Digest c = put_blob(dir, in.config);
    in.manifest = fmt::format(
        R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{},"digest":"{}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{},"digest":"{}"}}]}})",
        in.config.size(), c.str(), gz.size(), l.str());
    in.digest = Digest::of(in.manifest);
    write_file(dir / (in.digest.hex() + ".manifest.json"), in.manifest);
    instances.push_back(in);
    return in;
  }

  std::string write_list() {
    std::string entries;
    for (const auto& in : instances) {
      if (!entries.empty()) entries += ",";
      std::string variant = in.variant.empty() ? "" : fmt::format(R"(,"variant":"{}")", in.variant);
      entries += fmt::format(R"({{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":{},"digest":"{}","platform":{{"architecture":"{}","os":"linux"{}}}}})",
                             in.manifest.size(), in.digest.str(), in.arch, variant);
    }
    std::string list = fmt::format(R"({{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{}]}})", entries);
    write_dir_image(dir, list);
    return list;
  }

  // The instance skopeo picks: inspect prints its layer digests.
  std::string skopeo_choice(const std::string& flags) {
    auto r = skopeo(flags + " inspect --format '{{range .Layers}}{{.}}{{end}}' dir:" + dir.string());
    return r.rc == 0 ? r.out : "error";
  }

  std::string our_choice(const std::string& list, PlatformChoice want) {
    auto l = parse_list(list, mt::docker_list);
    if (!l) return "parse error";
    auto d = choose_instance(*l, want);
    if (!d) return "error";
    for (const auto& in : instances)
      if (in.digest == d->digest) return parse_image(in.manifest, mt::docker_v2s2)->layers[0].digest.str() + "\n";
    return "unknown";
  }

  TempDir tmp;
  fs::path dir;
  std::vector<Instance> instances;
};

TEST_F(SkopeoList, ConvertListToOciIndexWithConvertedInstances) {
  add_instance("amd64", "");
  add_instance("arm64", "v8");
  std::string list = write_list();
  fs::path out = tmp.path / "out";
  ASSERT_EQ(skopeo(fmt::format("copy --all --format oci dir:{} dir:{}", dir.string(), out.string())).rc, 0);

  auto l = parse_list(list, guess_mime_type(list));
  ASSERT_TRUE(l) << l.error().what();
  auto index = convert_list(*l, mt::oci_index);
  ASSERT_TRUE(index) << index.error().what();
  std::vector<InstanceUpdate> updates;
  for (const auto& in : instances) {
    auto m = parse_image(in.manifest, mt::docker_v2s2);
    ASSERT_TRUE(m);
    auto conv = convert_image(*m, mt::oci_manifest, conv_input(in.config, {}, std::nullopt));
    ASSERT_TRUE(conv) << conv.error().what();
    Digest d = Digest::of(conv->bytes);
    EXPECT_EQ(read_file(out / (d.hex() + ".manifest.json")), conv->bytes);
    updates.push_back(InstanceUpdate{d, static_cast<int64_t>(conv->bytes.size()), std::string(mt::oci_manifest), {}, false});
  }
  ASSERT_TRUE(update_instances(*index, updates));
  EXPECT_EQ(serialize(*index), read_file(out / "manifest.json"));
}

TEST_F(SkopeoList, PlatformChoiceMatchesSkopeo) {
  add_instance("amd64", "");
  add_instance("arm", "v6");
  add_instance("arm", "v7");
  add_instance("arm64", "");
  add_instance("arm64", "v8");
  std::string list = write_list();
  struct Case {
    std::string flags;
    PlatformChoice want;
  };
  std::vector<Case> cases = {
      {"--override-arch amd64", {"linux", "amd64", ""}},
      {"--override-arch arm", {"linux", "arm", ""}},
      {"--override-arch arm --override-variant v8", {"linux", "arm", "v8"}},
      {"--override-arch arm --override-variant v6", {"linux", "arm", "v6"}},
      {"--override-arch arm64", {"linux", "arm64", ""}},
      {"--override-arch arm64 --override-variant v8", {"linux", "arm64", "v8"}},
      {"--override-arch arm64 --override-variant v9", {"linux", "arm64", "v9"}},
      {"--override-arch s390x", {"linux", "s390x", ""}},
      {"--override-os windows --override-arch amd64", {"windows", "amd64", ""}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(our_choice(list, c.want), skopeo_choice(c.flags)) << c.flags;
    EXPECT_EQ(host_platform(c.want.os == "linux" ? "" : c.want.os, c.want.architecture, c.want.variant).variant, c.want.variant);
  }
}

// Newest skopeo quotes all three values (%q); 1.9.3 quoted only the variant, so this is
// checked against the spec text (skopeo-compat.md §7.9) rather than the installed skopeo.
TEST_F(SkopeoList, NoMatchErrorText) {
  add_instance("amd64", "");
  std::string list = write_list();
  auto l = parse_list(list, mt::docker_list);
  ASSERT_TRUE(l);
  auto d = choose_instance(*l, PlatformChoice{"linux", "mips", ""});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().what(), R"(no image found in manifest list for architecture "mips", variant "", OS "linux")");
  auto oci = convert_list(*l, mt::oci_index);
  ASSERT_TRUE(oci);
  auto e = choose_instance(*oci, PlatformChoice{"linux", "arm", "v7"});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what(), R"(no image found in image index for architecture "arm", variant "v7", OS "linux")");
}

} // namespace
} // namespace hoist::manifest
