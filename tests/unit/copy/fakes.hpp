// In-memory ImageSource / ImageDestination for engine tests, and image builders.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "hoist/copy/copy.hpp"

namespace hoist::copy::test {

namespace mt = manifest::mt;

// Tracks how many calls run at once.
struct Concurrency {
  std::atomic<int> now{0};
  std::atomic<int> max{0};
  void enter() {
    int n = ++now;
    for (int m = max; n > m && !max.compare_exchange_weak(m, n);) {}
  }
  void leave() { --now; }
};

class FakeSource final : public transport::ImageSource {
public:
  transport::ManifestBytes top;
  std::map<Digest, transport::ManifestBytes> instances;
  std::map<Digest, std::string> blobs;
  std::vector<std::string> signatures;
  bool thread_safe = false;
  int delay_ms = 0;
  Concurrency concurrency;
  std::atomic<int> get_blob_calls{0};

  std::string description() const override { return "fake:src"; }
  Result<transport::ManifestBytes> get_manifest(const std::optional<Digest>& instance) override {
    if (!instance) return top;
    auto it = instances.find(*instance);
    if (it == instances.end()) return fail(ErrorKind::not_found, "no such instance");
    return it->second;
  }
  Result<transport::BlobStream> get_blob(const transport::BlobInfo& info) override {
    ++get_blob_calls;
    concurrency.enter();
    if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    concurrency.leave();
    auto it = blobs.find(*info.digest);
    if (it == blobs.end()) return fail(ErrorKind::not_found, "no such blob " + info.digest->str());
    return transport::BlobStream{std::make_unique<MemoryReader>(it->second), static_cast<int64_t>(it->second.size())};
  }
  Result<std::vector<std::string>> get_signatures(const std::optional<Digest>&) override { return signatures; }
  bool thread_safe_get_blob() const override { return thread_safe; }
};

class FakeDestination final : public transport::ImageDestination {
public:
  std::vector<std::string> types; // supported manifest types
  std::set<std::string> rejected; // put_manifest fails with "type rejected" for these
  transport::LayerCompression compression = transport::LayerCompression::preserve;
  bool thread_safe = false;
  bool signatures_ok = false;
  int delay_ms = 0;
  Concurrency concurrency;

  std::mutex mutex;
  std::map<Digest, std::string> blobs;
  std::vector<std::pair<std::string, std::optional<Digest>>> manifests; // bytes, instance
  std::vector<std::string> stored_signatures;
  bool committed = false;

  std::string description() const override { return "fake:dest"; }
  std::vector<std::string> supported_manifest_types() const override { return types; }
  bool supports_signatures() const override { return signatures_ok; }
  std::string signatures_unsupported_reason() const override { return "fake cannot store signatures"; }
  transport::LayerCompression desired_layer_compression() const override { return compression; }
  bool thread_safe_put_blob() const override { return thread_safe; }
  Result<bool> try_reuse_blob(const transport::BlobInfo& info) override {
    std::lock_guard lock(mutex);
    return blobs.count(*info.digest) > 0;
  }
  Result<transport::BlobInfo> put_blob(Reader& stream, const transport::BlobInfo& info, bool) override {
    concurrency.enter();
    if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    auto data = read_all(stream, 1u << 30);
    concurrency.leave();
    if (!data) return fail(data.error());
    Digest d = Digest::of(*data);
    std::lock_guard lock(mutex);
    blobs[d] = *data;
    transport::BlobInfo out = info;
    out.digest = d;
    out.size = static_cast<int64_t>(data->size());
    return out;
  }
  Status put_manifest(const std::string& bytes, const std::string& mime, const std::optional<Digest>& instance) override {
    if (rejected.count(mime)) return fail(ErrorKind::unsupported, "manifest type " + mime + " rejected");
    manifests.emplace_back(bytes, instance);
    return {};
  }
  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>&) override {
    stored_signatures.insert(stored_signatures.end(), sigs.begin(), sigs.end());
    return {};
  }
  Status commit() override {
    committed = true;
    return {};
  }
};

// Records report lines the way LineProgress prints them.
class RecordingProgress final : public Progress {
public:
  std::mutex mutex;
  std::vector<std::string> lines;
  void line(std::string_view text) override {
    std::lock_guard lock(mutex);
    lines.emplace_back(text);
  }
  std::unique_ptr<BlobProgress> start_blob(std::string_view kind, const Digest& d, int64_t) override {
    line(fmt::format("Copying {} {}", kind, d.str()));
    struct Nop : BlobProgress {
      void add_bytes(uint64_t) override {}
      void finish(bool) override {}
    };
    return std::make_unique<Nop>();
  }
};

inline std::string descriptor(std::string_view media_type, const std::string& blob) {
  return fmt::format(R"({{"mediaType":"{}","size":{},"digest":"{}"}})", media_type, blob.size(), Digest::of(blob).str());
}

inline std::string oci_descriptor(std::string_view media_type, const std::string& blob) {
  return fmt::format(R"({{"mediaType":"{}","digest":"{}","size":{}}})", media_type, Digest::of(blob).str(), blob.size());
}

// A Docker schema2 image with the given layers (stored as given).
inline std::string schema2_manifest(const std::string& config, const std::vector<std::string>& layers,
                                    std::string_view layer_type = mt::docker_layer_gzip) {
  std::string ls;
  for (size_t i = 0; i < layers.size(); ++i) ls += (i ? "," : "") + descriptor(layer_type, layers[i]);
  return fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})", mt::docker_v2s2,
                     descriptor(mt::docker_config, config), ls);
}

inline std::string oci_manifest(const std::string& config, const std::vector<std::string>& layers,
                                std::string_view layer_type = mt::oci_layer_gzip) {
  std::string ls;
  for (size_t i = 0; i < layers.size(); ++i) ls += (i ? "," : "") + oci_descriptor(layer_type, layers[i]);
  return fmt::format(R"({{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}})", mt::oci_manifest,
                     oci_descriptor(mt::oci_config, config), ls);
}

inline const std::string k_config =
    R"({"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}})";

// Fills `src` with a single image of `n` distinct layers.
inline std::vector<std::string> make_image(FakeSource& src, size_t n, bool oci = false) {
  std::vector<std::string> layers;
  for (size_t i = 0; i < n; ++i) layers.push_back(fmt::format("layer-{}-data", i));
  for (const auto& l : layers) src.blobs[Digest::of(l)] = l;
  src.blobs[Digest::of(k_config)] = k_config;
  if (oci) src.top = {oci_manifest(k_config, layers), std::string(mt::oci_manifest)};
  else src.top = {schema2_manifest(k_config, layers), std::string(mt::docker_v2s2)};
  return layers;
}

} // namespace hoist::copy::test
