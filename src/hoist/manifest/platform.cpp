// Which instance of a manifest list to use (c/image internal/pkg/platform WantedPlatforms
// and Schema2List / OCI1Index ChooseInstance; skopeo-compat.md §7.9).
#include <sys/utsname.h>

#include <algorithm>
#include <climits>
#include <fstream>

#include <fmt/format.h>

#include "hoist/manifest/manifest.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::manifest {
namespace {

// runtime.GOARCH of this build.
std::string build_goarch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "ppc64le";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  struct utsname u {};
  if (uname(&u) == 0) return u.machine;
  return "unknown";
#endif
}

// getCPUInfo: the value of the first "pattern: value" line of /proc/cpuinfo.
std::optional<std::string> cpuinfo(std::string_view pattern) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto parts = split(line, ':');
    if (parts.size() > 1 && to_lower(trim(parts[0])) == to_lower(pattern)) return trim(parts[1]);
  }
  return std::nullopt;
}

std::string arm_variant() {
  auto arch = cpuinfo("Cpu architecture");
  if (!arch) return "";
  std::string v = to_lower(*arch);
  if (v == "8" || v == "aarch64") return "v8";
  if (v == "7m" || v == "?(12)" || v == "?(13)" || v == "?(14)" || v == "?(15)" || v == "?(16)" || v == "?(17)") return "v7";
  if (v == "7") {
    auto model = cpuinfo("model name");
    if (!model) return "";
    return starts_with(to_lower(*model), "armv6-compatible") ? "v6" : "v7";
  }
  if (v == "6" || v == "6tej") return "v6";
  if (v == "5" || v == "5t" || v == "5te" || v == "5tej") return "v5";
  if (v == "4" || v == "4t") return "v4";
  if (v == "3") return "v3";
  return "";
}

const std::vector<std::string>* compatible_variants(std::string_view arch) {
  static const std::vector<std::string> arm = {"v8", "v7", "v6", "v5"}, arm64 = {"v8"};
  if (arch == "arm") return &arm;
  if (arch == "arm64") return &arm64;
  return nullptr;
}

bool matches(const Platform& p, const PlatformChoice& want, const std::string& variant) {
  return p.architecture == want.architecture && p.os == want.os && p.variant == variant;
}

tl::unexpected<Error> not_found(std::string_view what, const PlatformChoice& want, const std::vector<std::string>& variants) {
  return fail(ErrorKind::not_found, fmt::format("no image found in {} for architecture {}, variant {}, OS {}", what,
                                                go_quote(want.architecture), go_quote(variants.front()), go_quote(want.os)));
}

} // namespace

PlatformChoice detect_host_platform() {
  PlatformChoice p{"linux", build_goarch(), ""};
  if (p.architecture == "arm" || p.architecture == "arm64") p.variant = arm_variant();
  return p;
}

PlatformChoice host_platform(std::string_view override_os, std::string_view override_arch,
                             std::string_view override_variant) {
  PlatformChoice host = detect_host_platform();
  PlatformChoice p{"linux", host.architecture, ""};
  if (!override_arch.empty()) p.architecture = override_arch;
  else p.variant = host.variant;
  if (!override_variant.empty()) p.variant = override_variant;
  if (!override_os.empty()) p.os = override_os;
  return p;
}

std::vector<std::string> wanted_variants(const PlatformChoice& want) {
  const auto* order = compatible_variants(want.architecture);
  std::vector<std::string> variants;
  if (!want.variant.empty()) {
    if (order) {
      auto it = std::find(order->begin(), order->end(), want.variant);
      if (it != order->end()) variants.assign(it, order->end());
    }
    if (variants.empty()) variants.push_back(want.variant);
    variants.emplace_back();
  } else {
    variants.emplace_back();
    if (order) variants.insert(variants.end(), order->begin(), order->end());
  }
  return variants;
}

Result<Descriptor> choose_instance(const ManifestList& list, const PlatformChoice& want) {
  auto variants = wanted_variants(want);
  if (list.media_type != mt::oci_index) {
    for (const auto& v : variants)
      for (const auto& d : list.manifests)
        if (matches(d.platform.value_or(Platform{}), want, v)) return d;
    return not_found("manifest list", want, variants);
  }
  // OCI index: best (platform rank, zstd-annotated first, position); no platform ranks last.
  const Descriptor* best = nullptr;
  size_t best_rank = 0;
  bool best_zstd = false;
  for (const auto& d : list.manifests) {
    size_t rank = SIZE_MAX;
    if (d.platform) {
      auto it = std::find_if(variants.begin(), variants.end(), [&](const std::string& v) { return matches(*d.platform, want, v); });
      if (it == variants.end()) continue;
      rank = static_cast<size_t>(it - variants.begin());
    }
    auto ann = d.annotations.find("io.github.containers.compression.zstd");
    bool zstd = ann != d.annotations.end() && ann->second == "true";
    if (!best || rank < best_rank || (rank == best_rank && zstd && !best_zstd)) {
      best = &d;
      best_rank = rank;
      best_zstd = zstd;
    }
  }
  if (best) return *best;
  return not_found("image index", want, variants);
}

} // namespace hoist::manifest
