#include <gtest/gtest.h>

#include "fakes.hpp"
#include "hoist/compress/compression.hpp"

using namespace hoist;
using namespace hoist::copy;
using namespace hoist::copy::test;

namespace {

std::vector<std::string> without_blob_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (!l.starts_with("Copying blob ")) out.push_back(l);
  return out;
}

TEST(CopyEngine, SingleImageLinesAndBytes) {
  FakeSource src;
  auto layers = make_image(src, 2);
  FakeDestination dest;
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(progress.lines, (std::vector<std::string>{
                                "Getting image source signatures",
                                "Copying blob " + Digest::of(layers[0]).str(),
                                "Copying blob " + Digest::of(layers[1]).str(),
                                "Copying config " + Digest::of(k_config).str(),
                                "Writing manifest to image destination",
                            }));
  ASSERT_EQ(dest.manifests.size(), 1u);
  EXPECT_EQ(dest.manifests[0].first, src.top.bytes); // unmodified: the source's exact bytes
  EXPECT_FALSE(dest.manifests[0].second);
  EXPECT_EQ(r->manifest_digest, Digest::of(src.top.bytes));
  EXPECT_TRUE(dest.committed);
  EXPECT_EQ(dest.blobs.size(), 3u);
}

TEST(CopyEngine, RemoveSignaturesOmitsTheLine) {
  FakeSource src;
  make_image(src, 1);
  src.signatures = {"sig"};
  FakeDestination dest;
  RecordingProgress progress;
  CopyOptions opts;
  opts.remove_signatures = true;
  ASSERT_TRUE(copy_image(src, dest, opts, progress));
  EXPECT_EQ(progress.lines.front(), "Copying blob " + Digest::of("layer-0-data").str());
  EXPECT_TRUE(dest.stored_signatures.empty());
}

TEST(CopyEngine, SignaturesNeedADestinationThatStoresThem) {
  FakeSource src;
  make_image(src, 1);
  src.signatures = {"sig"};
  FakeDestination dest;
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "Can not copy signatures to fake:dest: fake cannot store signatures");
  EXPECT_FALSE(dest.committed);

  FakeDestination ok;
  ok.signatures_ok = true;
  RecordingProgress p2;
  ASSERT_TRUE(copy_image(src, ok, CopyOptions{}, p2));
  EXPECT_EQ(p2.lines[1], "Checking if image destination supports signatures");
  EXPECT_EQ(p2.lines.back(), "Storing signatures");
  EXPECT_EQ(ok.stored_signatures, std::vector<std::string>{"sig"});
}

TEST(CopyEngine, ReusesBlobsTheDestinationHas) {
  FakeSource src;
  auto layers = make_image(src, 3);
  FakeDestination dest;
  dest.blobs[Digest::of(layers[1])] = layers[1];
  RecordingProgress progress;
  ASSERT_TRUE(copy_image(src, dest, CopyOptions{}, progress));
  EXPECT_EQ(src.get_blob_calls, 3); // two layers + config; the reused layer is never read
  EXPECT_EQ(progress.lines[2], "Copying blob " + Digest::of(layers[1]).str()); // still reported
}

TEST(CopyEngine, ParallelismIsBounded) {
  FakeSource src;
  make_image(src, 12);
  src.thread_safe = true;
  src.delay_ms = 20;
  FakeDestination dest;
  dest.thread_safe = true;
  RecordingProgress progress;
  CopyOptions opts;
  opts.image_parallel_copies = 3;
  ASSERT_TRUE(copy_image(src, dest, opts, progress));
  EXPECT_LE(src.concurrency.max.load(), 3);
  EXPECT_GE(src.concurrency.max.load(), 2);
}

TEST(CopyEngine, SerialUnlessBothSidesAreThreadSafe) {
  FakeSource src;
  make_image(src, 6);
  src.thread_safe = false;
  src.delay_ms = 10;
  FakeDestination dest;
  dest.thread_safe = true;
  RecordingProgress progress;
  ASSERT_TRUE(copy_image(src, dest, CopyOptions{}, progress));
  EXPECT_EQ(src.concurrency.max.load(), 1);
}

TEST(CopyEngine, CorruptBlobFailsWithoutCommit) {
  FakeSource src;
  auto layers = make_image(src, 2);
  Digest want = Digest::of(layers[1]);
  src.blobs[want] = "layer-1-dat!"; // same size, other bytes
  FakeDestination dest;
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "writing blob: happened during read: Digest did not match, expected " + want.str() +
                                  ", got " + Digest::of("layer-1-dat!").str());
  EXPECT_FALSE(dest.committed);
  EXPECT_TRUE(dest.manifests.empty());
}

TEST(CopyEngine, MissingBlob) {
  FakeSource src;
  auto layers = make_image(src, 1);
  src.blobs.erase(Digest::of(layers[0]));
  FakeDestination dest;
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "reading blob " + Digest::of(layers[0]).str() + ": no such blob " +
                                  Digest::of(layers[0]).str());
  EXPECT_FALSE(dest.committed);
}

TEST(CopyEngine, PolicyRejection) {
  FakeSource src;
  make_image(src, 1);
  FakeDestination dest;
  RecordingProgress progress;
  CopyOptions opts;
  auto policy = parse_policy(R"({"default":[{"type":"reject"}]})");
  ASSERT_TRUE(policy);
  opts.policy = PolicyCheck{*policy, PolicySubject{"dir", "/x", {}, "dir:/x"}};
  auto r = copy_image(src, dest, opts, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "Source image rejected: Running image dir:/x is rejected by policy.");
  EXPECT_TRUE(progress.lines.empty());
}

TEST(CopyEngine, ManifestTypeFallback) {
  FakeSource src;
  make_image(src, 1, /*oci=*/true);
  FakeDestination dest;
  dest.types = {std::string(mt::oci_manifest), std::string(mt::docker_v2s2)};
  dest.rejected = {std::string(mt::oci_manifest)};
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->manifest_mime, mt::docker_v2s2);
  auto writes = std::count(progress.lines.begin(), progress.lines.end(), "Writing manifest to image destination");
  EXPECT_EQ(writes, 2);
  ASSERT_EQ(dest.manifests.size(), 1u);
  EXPECT_EQ(manifest::guess_mime_type(dest.manifests[0].first), mt::docker_v2s2);
}

TEST(CopyEngine, AllManifestTypesRejected) {
  FakeSource src;
  make_image(src, 1, /*oci=*/true);
  FakeDestination dest;
  dest.types = {std::string(mt::oci_manifest), std::string(mt::docker_v2s2)};
  dest.rejected = {std::string(mt::oci_manifest), std::string(mt::docker_v2s2)};
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(),
            "Uploading manifest failed, attempted the following formats: "
            "application/vnd.oci.image.manifest.v1+json(writing manifest: manifest type "
            "application/vnd.oci.image.manifest.v1+json rejected), "
            "application/vnd.docker.distribution.manifest.v2+json(writing manifest: manifest type "
            "application/vnd.docker.distribution.manifest.v2+json rejected)");
  EXPECT_FALSE(dest.committed);
}

TEST(CopyEngine, PreserveDigestsForbidsConversion) {
  FakeSource src;
  make_image(src, 1, /*oci=*/true);
  FakeDestination dest;
  dest.types = {std::string(mt::oci_manifest), std::string(mt::docker_v2s2)};
  dest.rejected = {std::string(mt::oci_manifest)};
  RecordingProgress progress;
  CopyOptions opts;
  opts.preserve_digests = true;
  auto r = copy_image(src, dest, opts, progress);
  ASSERT_FALSE(r);
  // Only the source type is tried, so its error is returned as is.
  EXPECT_EQ(r.error().what(), "writing manifest: manifest type application/vnd.oci.image.manifest.v1+json rejected");
}

TEST(CopyEngine, CompressesUncompressedLayersForCompressingDestinations) {
  FakeSource src;
  std::string tar(4096, 'x');
  src.blobs[Digest::of(tar)] = tar;
  src.blobs[Digest::of(k_config)] = k_config;
  src.top = {oci_manifest(k_config, {tar}, mt::oci_layer), std::string(mt::oci_manifest)};
  FakeDestination dest;
  dest.types = {std::string(mt::oci_manifest), std::string(mt::oci_index)};
  dest.compression = transport::LayerCompression::compress;
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_TRUE(r) << r.error().what();
  auto m = manifest::parse_image(r->manifest_bytes, mt::oci_manifest);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].media_type, mt::oci_layer_gzip);
  const std::string& stored = dest.blobs.at(m->layers[0].digest);
  EXPECT_EQ(m->layers[0].size, static_cast<int64_t>(stored.size()));
  auto dec = compress::decompressor(std::make_unique<MemoryReader>(stored), compress::Algorithm::gzip);
  ASSERT_TRUE(dec);
  EXPECT_EQ(read_all(**dec, 1 << 20).value(), tar);
}

TEST(CopyEngine, PreserveDigestsKeepsUncompressedLayers) {
  FakeSource src;
  std::string tar(4096, 'x');
  src.blobs[Digest::of(tar)] = tar;
  src.blobs[Digest::of(k_config)] = k_config;
  src.top = {oci_manifest(k_config, {tar}, mt::oci_layer), std::string(mt::oci_manifest)};
  FakeDestination dest;
  dest.types = {std::string(mt::oci_manifest), std::string(mt::oci_index)};
  dest.compression = transport::LayerCompression::compress;
  RecordingProgress progress;
  CopyOptions opts;
  opts.preserve_digests = true;
  auto r = copy_image(src, dest, opts, progress);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->manifest_bytes, src.top.bytes);
  EXPECT_TRUE(dest.blobs.count(Digest::of(tar)));
}

// A two-instance OCI index.
struct ListFixture {
  FakeSource src;
  std::vector<std::string> instances, configs;
  ListFixture() {
    std::string entries;
    for (std::string arch : {"amd64", "arm64"}) {
      std::string layer = "layer-" + arch;
      std::string config = R"({"architecture":")" + arch + R"(","os":"linux"})";
      src.blobs[Digest::of(layer)] = layer;
      src.blobs[Digest::of(config)] = config;
      std::string m = oci_manifest(config, {layer});
      src.instances[Digest::of(m)] = {m, std::string(mt::oci_manifest)};
      instances.push_back(m);
      configs.push_back(config);
      entries += (entries.empty() ? "" : ",") +
                 fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{},"platform":{{"architecture":"{}","os":"linux"}}}})",
                             mt::oci_manifest, Digest::of(m).str(), m.size(), arch);
    }
    src.top = {fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","manifests":[{}]}})", mt::oci_index, entries),
               std::string(mt::oci_index)};
  }
};

TEST(CopyEngine, AllInstancesOfAList) {
  ListFixture f;
  FakeDestination dest;
  RecordingProgress progress;
  CopyOptions opts;
  opts.multi_arch = MultiArch::all;
  auto r = copy_image(f.src, dest, opts, progress);
  ASSERT_TRUE(r) << r.error().what();
  std::string d0 = Digest::of(f.instances[0]).str(), d1 = Digest::of(f.instances[1]).str();
  EXPECT_EQ(without_blob_lines(progress.lines), (std::vector<std::string>{
                                                    "Getting image list signatures",
                                                    "Copying 2 images generated from 2 images in list",
                                                    "Copying image " + d0 + " (1/2)",
                                                    "Getting image source signatures",
                                                    "Copying config " + Digest::of(f.configs[0]).str(),
                                                    "Writing manifest to image destination",
                                                    "Copying image " + d1 + " (2/2)",
                                                    "Getting image source signatures",
                                                    "Copying config " + Digest::of(f.configs[1]).str(),
                                                    "Writing manifest to image destination",
                                                    "Writing manifest list to image destination",
                                                    "Storing list signatures",
                                                }));
  ASSERT_EQ(dest.manifests.size(), 3u);
  EXPECT_EQ(dest.manifests[0].second, Digest::of(f.instances[0]));
  EXPECT_EQ(dest.manifests[2].first, f.src.top.bytes); // unchanged list keeps its bytes
  EXPECT_EQ(r->manifest_digest, Digest::of(f.src.top.bytes));
}

TEST(CopyEngine, IndexOnlyCopiesNoInstances) {
  ListFixture f;
  FakeDestination dest;
  RecordingProgress progress;
  CopyOptions opts;
  opts.multi_arch = MultiArch::index_only;
  ASSERT_TRUE(copy_image(f.src, dest, opts, progress));
  EXPECT_EQ(progress.lines, (std::vector<std::string>{"Getting image list signatures",
                                                      "Copying 0 images generated from 2 images in list",
                                                      "Writing manifest list to image destination",
                                                      "Storing list signatures"}));
}

TEST(CopyEngine, SystemInstanceFromAList) {
  ListFixture f;
  FakeDestination dest;
  RecordingProgress progress;
  CopyOptions opts;
  opts.platform = manifest::PlatformChoice{"linux", "arm64", ""};
  auto r = copy_image(f.src, dest, opts, progress);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->manifest_bytes, f.instances[1]);
  ASSERT_EQ(dest.manifests.size(), 1u);
  EXPECT_FALSE(dest.manifests[0].second); // written as the top level
}

TEST(CopyEngine, ListsNeedAListCapableDestination) {
  ListFixture f;
  FakeDestination dest;
  dest.types = {std::string(mt::docker_v2s2)};
  RecordingProgress progress;
  CopyOptions opts;
  opts.multi_arch = MultiArch::all;
  auto r = copy_image(f.src, dest, opts, progress);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(),
            "copying multiple images: destination transport \"fake\" does not support copying multiple images as a group");
}

TEST(CopyOptionsParsing, Texts) {
  EXPECT_EQ(parse_manifest_format("v2s2").value(), mt::docker_v2s2);
  EXPECT_EQ(parse_manifest_format("x").error().what(),
            "unknown format \"x\". Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'");
  EXPECT_EQ(parse_multi_arch("index-only").value(), MultiArch::index_only);
  EXPECT_EQ(parse_multi_arch("y").error().what(),
            "unknown multi-arch option \"y\". Choose one of the supported options: 'system', 'all', or 'index-only'");
}

} // namespace
