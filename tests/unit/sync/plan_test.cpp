// The dry-run plan over an in-memory source and a scripted destination.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <fmt/format.h>

#include "hoist/sync/plan.hpp"

namespace hoist::sync {
namespace {

class MemorySource final : public transport::ImageSource {
public:
  std::map<std::string, transport::ManifestBytes> manifests; // "" = top level
  std::map<std::string, std::string> blobs;
  std::string description() const override { return "memory:"; }
  Result<transport::ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    auto it = manifests.find(instance ? instance->str() : "");
    if (it == manifests.end()) return fail(ErrorKind::not_found, "manifest unknown");
    return it->second;
  }
  Result<transport::BlobStream> get_blob(const transport::BlobInfo& info) override {
    auto it = blobs.find(info.digest->str());
    if (it == blobs.end()) return fail(ErrorKind::not_found, "blob unknown");
    return transport::BlobStream{std::make_unique<MemoryReader>(it->second), static_cast<int64_t>(it->second.size())};
  }
};

class ScriptedProbe final : public DestinationProbe {
public:
  std::set<std::string> manifests, blobs;
  bool has_manifest(const Digest& d) override { return manifests.count(d.str()) > 0; }
  bool has_blob(const Digest& d, int64_t) override { return blobs.count(d.str()) > 0; }
};

std::string descriptor(const std::string& mt, const std::string& data) {
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{}}})", mt, Digest::of(data).str(), data.size());
}

struct Fixture {
  MemorySource src;
  std::string config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string l1 = std::string(100, 'a'), l2 = std::string(50, 'b');
  std::string manifest;
  Fixture() {
    manifest = fmt::format(R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[{},{}]}})",
                           descriptor("application/vnd.oci.image.config.v1+json", config),
                           descriptor("application/vnd.oci.image.layer.v1.tar+gzip", l1),
                           descriptor("application/vnd.oci.image.layer.v1.tar+gzip", l2));
    src.manifests[""] = {manifest, "application/vnd.oci.image.manifest.v1+json"};
    src.blobs[Digest::of(config).str()] = config;
  }
};

TEST(SyncPlan, CountsBytesToTransferAndPresent) {
  Fixture f;
  ScriptedProbe probe;
  probe.blobs.insert(Digest::of(f.l1).str());
  auto plan = plan_image(f.src, probe, false, manifest::PlatformChoice{"linux", "amd64", ""});
  ASSERT_TRUE(plan) << plan.error().what();
  EXPECT_FALSE(plan->up_to_date);
  EXPECT_EQ(plan->platforms, std::vector<std::string>{"linux/arm64"});
  EXPECT_EQ(plan->blobs, 3u);
  EXPECT_EQ(plan->bytes_present, 100u);
  EXPECT_EQ(plan->bytes_to_transfer, 50u + f.config.size());
  EXPECT_EQ(describe(*plan), fmt::format("linux/arm64, 3 blobs, {} bytes to transfer, 100 bytes already present",
                                         50 + f.config.size()));
}

TEST(SyncPlan, UpToDateWhenTheManifestIsThere) {
  Fixture f;
  ScriptedProbe probe;
  probe.manifests.insert(Digest::of(f.manifest).str());
  auto plan = plan_image(f.src, probe, false, manifest::PlatformChoice{"linux", "amd64", ""});
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->up_to_date);
  EXPECT_EQ(plan->bytes_to_transfer, 0u);
  auto digest = expected_digest(f.src, false, {});
  ASSERT_TRUE(digest);
  EXPECT_EQ(*digest, Digest::of(f.manifest));
}

TEST(SyncPlan, ListsPickOneInstanceUnlessAll) {
  Fixture f;
  std::string list = fmt::format(
      R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{0}","size":{1},"platform":{{"architecture":"amd64","os":"linux"}}}},)"
      R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{0}","size":{1},"platform":{{"architecture":"arm64","os":"linux"}}}}]}})",
      Digest::of(f.manifest).str(), f.manifest.size());
  f.src.manifests[Digest::of(f.manifest).str()] = f.src.manifests[""];
  f.src.manifests[""] = {list, "application/vnd.oci.image.index.v1+json"};
  ScriptedProbe probe;
  manifest::PlatformChoice want{"linux", "arm64", ""};
  auto one = plan_image(f.src, probe, false, want);
  ASSERT_TRUE(one) << one.error().what();
  EXPECT_EQ(one->platforms, std::vector<std::string>{"linux/arm64"});
  auto all = plan_image(f.src, probe, true, want);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->platforms, (std::vector<std::string>{"linux/amd64", "linux/arm64"}));
  EXPECT_EQ(*expected_digest(f.src, false, want), Digest::of(f.manifest));
  EXPECT_EQ(*expected_digest(f.src, true, want), Digest::of(list));
}

} // namespace
} // namespace hoist::sync
