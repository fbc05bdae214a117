#include "hoist/sync/plan.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace hoist::sync {

namespace {

std::string platform_text(const std::string& os, const std::string& arch, const std::string& variant) {
  std::string s = (os.empty() ? "?" : os) + "/" + (arch.empty() ? "?" : arch);
  if (!variant.empty()) s += "/" + variant;
  return s;
}

// os/architecture of a config blob ("?/?" when unreadable).
std::string config_platform(transport::ImageSource& src, const manifest::Descriptor& config) {
  transport::BlobInfo info;
  info.digest = config.digest;
  info.size = config.size;
  info.media_type = config.media_type;
  auto blob = src.get_blob(info);
  if (!blob) return "?/?";
  auto bytes = read_all(*blob->reader, 4u << 20);
  if (!bytes) return "?/?";
  auto j = nlohmann::json::parse(*bytes, nullptr, false);
  if (!j.is_object()) return "?/?";
  return platform_text(j.value("os", ""), j.value("architecture", ""), j.value("variant", ""));
}

struct Collected {
  std::map<std::string, int64_t> blobs; // digest → size
  std::vector<std::string> platforms;
};

Status collect_image(transport::ImageSource& src, const transport::ManifestBytes& m,
                     const std::optional<manifest::Platform>& platform, Collected& out) {
  TRY_ASSIGN(auto img, manifest::parse_image(m.bytes, m.mime));
  if (img.config) {
    out.blobs[img.config->digest.str()] = img.config->size;
    out.platforms.push_back(platform ? platform_text(platform->os, platform->architecture, platform->variant)
                                     : config_platform(src, *img.config));
  } else {
    out.platforms.push_back(img.architecture.empty() ? "?/?" : "?/" + img.architecture);
  }
  for (const auto& l : img.layers) out.blobs[l.digest.str()] = l.size;
  return {};
}

Status collect(transport::ImageSource& src, bool all, const manifest::PlatformChoice& want, Collected& out) {
  TRY_ASSIGN(auto top, src.get_manifest(std::nullopt));
  if (!manifest::is_list_type(top.mime)) return collect_image(src, top, std::nullopt, out);
  TRY_ASSIGN(auto list, manifest::parse_list(top.bytes, top.mime));
  std::vector<manifest::Descriptor> instances;
  if (all) {
    instances = list.manifests;
  } else {
    TRY_ASSIGN(auto chosen, manifest::choose_instance(list, want));
    instances.push_back(std::move(chosen));
  }
  for (const auto& d : instances) {
    TRY_ASSIGN(auto m, src.get_manifest(d.digest));
    TRY(collect_image(src, m, d.platform, out));
  }
  return {};
}

} // namespace

Result<Digest> expected_digest(transport::ImageSource& src, bool all, const manifest::PlatformChoice& platform) {
  TRY_ASSIGN(auto top, src.get_manifest(std::nullopt));
  if (all || !manifest::is_list_type(top.mime)) return manifest::manifest_digest(top.bytes);
  TRY_ASSIGN(auto list, manifest::parse_list(top.bytes, top.mime));
  TRY_ASSIGN(auto chosen, manifest::choose_instance(list, platform));
  return chosen.digest;
}

Result<ImagePlan> plan_image(transport::ImageSource& src, DestinationProbe& probe, bool all,
                             const manifest::PlatformChoice& platform) {
  ImagePlan plan;
  Collected c;
  TRY(collect(src, all, platform, c));
  plan.platforms = c.platforms;
  plan.blobs = c.blobs.size();
  TRY_ASSIGN(auto digest, expected_digest(src, all, platform));
  plan.up_to_date = probe.has_manifest(digest);
  for (const auto& [text, size] : c.blobs) {
    uint64_t n = size > 0 ? static_cast<uint64_t>(size) : 0;
    auto d = Digest::parse(text);
    if (plan.up_to_date || (d && probe.has_blob(*d, size))) plan.bytes_present += n;
    else plan.bytes_to_transfer += n;
  }
  return plan;
}

std::string describe(const ImagePlan& plan) {
  std::string platforms;
  for (const auto& p : plan.platforms) platforms += (platforms.empty() ? "" : " ") + p;
  if (plan.up_to_date)
    return fmt::format("{}, {} blobs, up to date ({} bytes already present)", platforms, plan.blobs,
                       plan.bytes_present);
  return fmt::format("{}, {} blobs, {} bytes to transfer, {} bytes already present", platforms, plan.blobs,
                     plan.bytes_to_transfer, plan.bytes_present);
}

} // namespace hoist::sync
