// Which manifest (list) type to write (c/image copy/manifest.go): the source's own type
// if the destination takes it, then — when the manifest may be modified — Docker schema2,
// schema1, then the destination's own preference order.
#include <algorithm>

#include <fmt/format.h>

#include "hoist/copy/engine.hpp"

namespace hoist::copy::detail {

namespace {

namespace mt = manifest::mt;

struct OrderedSet {
  std::vector<std::string> list;
  void add(const std::string& s) {
    if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
  }
};

bool universally_supported(manifest::Compression c) { return c == manifest::Compression::gzip; }

bool type_supports_compression(std::string_view mime, manifest::Compression c) {
  if (universally_supported(c)) return true;
  return mime == mt::oci_manifest && manifest::compression_base_name(c) == "zstd";
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : "") + v[i];
  return out;
}

Error no_supported_type(const ConversionInputs& in, const std::vector<std::string>& dest_types) {
  std::string name(manifest::compression_name(*in.requested_compression));
  if (!in.forced.empty())
    return Error(ErrorKind::invalid_input,
                 fmt::format("compression using {} required together with format {}, which does not support it", name, in.forced));
  if (in.dest_supported.empty())
    return Error(ErrorKind::invalid_input,
                 fmt::format("compression using {} required, but none of the known manifest formats support it", name));
  return Error(ErrorKind::invalid_input,
               fmt::format("compression using {} required but the destination only supports MIME types [{}], none of which support it",
                           name, join(dest_types, ", ")));
}

} // namespace

Result<ConversionPlan> determine_manifest_conversion(const ConversionInputs& in) {
  std::string src = manifest::normalize_registry_mime(in.src_mime);
  std::vector<std::string> dest_types = in.dest_supported;
  if (!in.forced.empty()) dest_types = {in.forced};
  if (dest_types.empty())
    dest_types = {std::string(mt::oci_manifest), std::string(mt::docker_v2s2), std::string(mt::docker_v2s1_signed),
                  std::string(mt::docker_v2s1)};
  bool restrictive = in.requested_compression && !universally_supported(*in.requested_compression);
  std::vector<std::string> supported;
  for (const auto& t : dest_types)
    if (!restrictive || type_supports_compression(t, *in.requested_compression)) supported.push_back(t);
  if (supported.empty()) return fail(no_supported_type(in, dest_types));
  auto is_supported = [&](std::string_view t) { return std::find(supported.begin(), supported.end(), t) != supported.end(); };

  OrderedSet order;
  if (is_supported(src)) order.add(src);
  if (!in.cannot_modify_reason.empty()) return ConversionPlan{src, false, {}};
  for (auto t : {mt::docker_v2s2, mt::docker_v2s1_signed})
    if (is_supported(t)) order.add(std::string(t));
  for (const auto& t : dest_types)
    if (is_supported(t)) order.add(t);
  ConversionPlan plan;
  plan.preferred = order.list.front();
  plan.others.assign(order.list.begin() + 1, order.list.end());
  plan.preferred_needs_conversion = plan.preferred != src;
  return plan;
}

Result<std::vector<std::string>> determine_list_conversion(const std::string& current,
                                                           std::vector<std::string> dest_supported,
                                                           const std::string& forced) {
  if (dest_supported.empty()) dest_supported = {std::string(mt::docker_list), std::string(mt::oci_index)};
  if (!forced.empty()) dest_supported = {forced};
  OrderedSet order;
  if (std::find(dest_supported.begin(), dest_supported.end(), current) != dest_supported.end()) order.add(current);
  for (const auto& t : dest_supported)
    if (manifest::is_list_type(t)) order.add(t);
  if (order.list.empty())
    return fail(ErrorKind::unsupported,
                fmt::format("destination does not support any supported manifest list types ([{} {}])", mt::docker_list,
                            mt::oci_index));
  return order.list;
}

} // namespace hoist::copy::detail
