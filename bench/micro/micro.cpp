// Micro-benchmarks of hoist's hot paths: SHA-256 (hoist::Hasher), gzip and zstd through
// hoist's compress library, and manifest parsing. Input data is generated in memory:
// a mix of text-like, binary-like and random bytes, so compression ratios are realistic
// (≈2:1 with gzip), not those of all-zero buffers.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "hoist/compress/compression.hpp"
#include "hoist/digest/digest.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/util/io.hpp"

namespace {

constexpr size_t k_mib = 1024 * 1024;

// Deterministic content: 45 % code-like text, 35 % instruction-like binary with zero
// runs, 20 % incompressible bytes, interleaved in chunks of a few KiB.
std::string realistic_bytes(size_t size, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  static const char* words[] = {"int",  "return", "if",    "else", "for",   "while", "const", "auto",
                                "void", "struct", "class", "std",  "size_t", "{",    "}",     "();",
                                "->",   "==",     "=",     "0",    "1",      "name", "value", "data"};
  std::string out;
  out.reserve(size + 8192);
  std::uniform_int_distribution<int> kind(0, 99), chunk(1024, 8192), word(0, 23);
  std::geometric_distribution<int> zipf(0.25);
  while (out.size() < size) {
    int k = kind(rng);
    size_t n = static_cast<size_t>(chunk(rng));
    if (k < 45) {
      size_t end = out.size() + n;
      while (out.size() < end) {
        int w = zipf(rng);
        out += words[w < 24 ? w : word(rng)];
        out += (rng() % 9 == 0) ? '\n' : ' ';
      }
    } else if (k < 80) {
      for (size_t i = 0; i < n; i += 4) {
        uint32_t v = rng();
        if (v % 5 == 0) v = 0;
        else v &= 0x00ff0fff;
        out.append(reinterpret_cast<const char*>(&v), 4);
      }
    } else {
      for (size_t i = 0; i < n; i += 4) {
        uint32_t v = rng();
        out.append(reinterpret_cast<const char*>(&v), 4);
      }
    }
  }
  out.resize(size);
  return out;
}

template <class T> T must(hoist::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().what().c_str());
    std::abort();
  }
  return std::move(*r);
}

size_t drain(hoist::Reader& r, std::vector<std::byte>& buf) {
  size_t total = 0;
  for (;;) {
    size_t n = must(r.read(buf), "read");
    if (n == 0) return total;
    total += n;
  }
}

const std::string& input_16m() {
  static const std::string data = realistic_bytes(16 * k_mib);
  return data;
}

std::string compressed(hoist::compress::Algorithm alg) {
  std::vector<std::byte> buf(hoist::k_stream_buffer);
  auto c = must(hoist::compress::compressor(std::make_unique<hoist::MemoryReader>(input_16m()), alg),
                "compressor");
  std::string out;
  for (;;) {
    size_t n = must(c->read(buf), "compress");
    if (n == 0) break;
    out.append(reinterpret_cast<const char*>(buf.data()), n);
  }
  return out;
}

// --- SHA-256: hoist::Hasher over 1 MiB buffers (64 MiB per iteration) ---------------
void BM_Sha256(benchmark::State& state) {
  const std::string buf = realistic_bytes(k_mib);
  for (auto _ : state) {
    hoist::Hasher h;
    for (int i = 0; i < 64; ++i) h.update(buf);
    benchmark::DoNotOptimize(h.finish());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * 64 * int64_t(k_mib));
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

// --- compression (bytes = uncompressed size) ----------------------------------------
void BM_Decompress(benchmark::State& state, hoist::compress::Algorithm alg) {
  const std::string blob = compressed(alg);
  std::vector<std::byte> buf(hoist::k_stream_buffer);
  for (auto _ : state) {
    auto d = must(hoist::compress::decompressor(std::make_unique<hoist::MemoryReader>(blob), alg),
                  "decompressor");
    benchmark::DoNotOptimize(drain(*d, buf));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(input_16m().size()));
  state.counters["ratio"] = double(input_16m().size()) / double(blob.size());
}
void BM_Compress(benchmark::State& state, hoist::compress::Algorithm alg) {
  std::vector<std::byte> buf(hoist::k_stream_buffer);
  size_t out = 0;
  for (auto _ : state) {
    auto c = must(hoist::compress::compressor(std::make_unique<hoist::MemoryReader>(input_16m()), alg),
                  "compressor");
    out = drain(*c, buf);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(input_16m().size()));
  state.counters["ratio"] = double(input_16m().size()) / double(out ? out : 1);
}
BENCHMARK_CAPTURE(BM_Decompress, gzip, hoist::compress::Algorithm::gzip)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Compress, gzip, hoist::compress::Algorithm::gzip)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decompress, zstd, hoist::compress::Algorithm::zstd)->Unit(benchmark::kMillisecond);
// hoist's zstd compressor runs two worker threads: count real time and the process's CPU.
BENCHMARK_CAPTURE(BM_Compress, zstd, hoist::compress::Algorithm::zstd)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// --- manifest parsing: an OCI manifest with 40 layers --------------------------------
std::string manifest_40_layers() {
  auto hex = [](int i) {
    return hoist::Digest::of("layer" + std::to_string(i)).str();
  };
  std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                  R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                  hex(-1) + R"(","size":7023},"layers":[)";
  for (int i = 0; i < 40; ++i) {
    if (i) m += ",";
    m += R"({"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + hex(i) +
         R"(","size":)" + std::to_string(1000000 + i * 7919) + "}";
  }
  m += R"(],"annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}})";
  return m;
}
void BM_ParseManifest40(benchmark::State& state) {
  const std::string m = manifest_40_layers();
  for (auto _ : state) {
    auto r = hoist::manifest::parse_image(m, hoist::manifest::mt::oci_manifest);
    if (!r || r->layers.size() != 40) {
      state.SkipWithError("parse_image failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(m.size()));
}
BENCHMARK(BM_ParseManifest40)->Unit(benchmark::kMicrosecond);

} // namespace
