#include <gtest/gtest.h>

#include "fakes.hpp"
#include "hoist/compress/compression.hpp"
#include "hoist/manifest/config.hpp"

using namespace hoist;
using namespace hoist::copy;
using namespace hoist::copy::test;

namespace {

std::string gzip(const std::string& data) {
  auto c = compress::compressor(std::make_unique<MemoryReader>(data), compress::Algorithm::gzip);
  return read_all(**c, 1 << 20).value();
}

// Converting schema1 needs each layer's DiffID, computed while the layer streams.
TEST(CopySchema1, ComputesDiffIDsWhileCopying) {
  std::string tar(10000, 't');
  std::string layer = gzip(tar);
  FakeSource src;
  src.blobs[Digest::of(layer)] = layer;
  src.top = {fmt::format(R"({{"schemaVersion":1,"name":"x/y","tag":"latest","architecture":"amd64",)"
                         R"("fsLayers":[{{"blobSum":"{}"}}],)"
                         R"("history":[{{"v1Compatibility":"{{\"id\":\"0123456789012345678901234567890123456789012345678901234567890123\",\"created\":\"2020-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{{}}}}"}}]}})",
                         Digest::of(layer).str()),
             std::string(mt::docker_v2s1)};
  FakeDestination dest;
  dest.types = {std::string(mt::docker_v2s2)};
  RecordingProgress progress;
  auto r = copy_image(src, dest, CopyOptions{}, progress);
  ASSERT_TRUE(r) << r.error().what();
  auto m = manifest::parse_image(r->manifest_bytes, mt::docker_v2s2);
  ASSERT_TRUE(m) << m.error().what();
  ASSERT_TRUE(m->config);
  const std::string& config = dest.blobs.at(m->config->digest);
  auto parsed = manifest::parse_config(config);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->diff_ids, std::vector<std::string>{Digest::of(tar).str()});
  EXPECT_EQ(m->layers.at(0).digest, Digest::of(layer));
}

} // namespace
