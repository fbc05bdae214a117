// copy.Image: open questions answered once per copy (parallelism, list handling), then
// the single-image or list path, then commit.
#include "hoist/copy/copy.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "hoist/copy/engine.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::copy {

namespace {

namespace mt = manifest::mt;

constexpr size_t k_default_parallel_copies = 6;

bool supports_multiple_images(const transport::ImageDestination& dest) {
  if (!dest.supports_lists()) return false;
  auto types = dest.supported_manifest_types();
  return types.empty() || std::any_of(types.begin(), types.end(), [](const auto& t) { return manifest::is_list_type(t); });
}

std::string transport_name(const std::string& description) { return description.substr(0, description.find(':')); }

Result<detail::SingleResult> copy_system_instance(detail::Copier& c) {
  auto list = manifest::parse_list(c.top.bytes, c.top.mime);
  if (!list)
    return fail(list.error().wrap(fmt::format("parsing primary manifest as list for {}", c.src.description())));
  auto chosen = manifest::choose_instance(*list, c.opts.platform);
  if (!chosen) return fail(chosen.error().wrap(fmt::format("choosing an image from manifest list {}", c.src.description())));
  auto r = detail::copy_single(c, chosen->digest, false);
  if (!r) return fail(r.error().wrap("copying system image from manifest list"));
  return r;
}

} // namespace

Result<MultiArch> parse_multi_arch(std::string_view text) {
  if (text == "system") return MultiArch::system;
  if (text == "all") return MultiArch::all;
  if (text == "index-only") return MultiArch::index_only;
  return fail(ErrorKind::invalid_input,
              fmt::format("unknown multi-arch option {}. Choose one of the supported options: 'system', 'all', or 'index-only'",
                          go_quote(text)));
}

Result<std::string> parse_manifest_format(std::string_view text) {
  if (text == "oci") return std::string(mt::oci_manifest);
  if (text == "v2s1") return std::string(mt::docker_v2s1_signed);
  if (text == "v2s2") return std::string(mt::docker_v2s2);
  return fail(ErrorKind::invalid_input,
              fmt::format("unknown format {}. Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'", go_quote(text)));
}

Result<CopyResult> copy_image(transport::ImageSource& src, transport::ImageDestination& dest,
                              const CopyOptions& options, Progress& progress) {
  if (options.compression == manifest::Compression::zstd_chunked)
    return fail(ErrorKind::unsupported, "hoist does not support zstd:chunked compression yet");
  if (options.force_compression_format && !options.compression)
    return fail(ErrorKind::invalid_input, "cannot use ForceCompressionFormat with undefined default compression format");
  detail::Copier c{src, dest, options, progress, 1, {}};
  if (src.thread_safe_get_blob() && dest.thread_safe_put_blob())
    c.parallelism = options.image_parallel_copies > 0 ? static_cast<size_t>(options.image_parallel_copies)
                                                      : k_default_parallel_copies;
  auto top = src.get_manifest(std::nullopt);
  if (!top) return fail(top.error().wrap(fmt::format("determining manifest MIME type for {}", src.description())));
  c.top = std::move(*top);

  Result<detail::SingleResult> copied = fail(ErrorKind::internal, "nothing copied");
  if (!manifest::is_list_type(c.top.mime)) {
    copied = detail::copy_single(c, std::nullopt, false);
  } else if (options.multi_arch == MultiArch::system) {
    copied = copy_system_instance(c);
  } else if (!supports_multiple_images(dest)) {
    return fail(ErrorKind::unsupported,
                fmt::format("copying multiple images: destination transport {} does not support copying multiple images as a group",
                            go_quote(transport_name(dest.description()))));
  } else {
    copied = detail::copy_multiple(c);
  }
  if (!copied) return fail(copied.error());
  if (auto s = dest.commit(); !s) return fail(s.error().wrap("committing the finished image"));
  return CopyResult{copied->digest, std::move(copied->manifest), std::move(copied->mime)};
}

} // namespace hoist::copy
