// Lists (c/image copy/multiple.go copyMultipleImages): copy the instances (all, or none
// for index-only), update their digests in the list, then write the list in the first
// type the destination accepts.
#include <fmt/format.h>

#include "hoist/copy/engine.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::copy::detail {

namespace {

namespace mt = manifest::mt;

std::string forced_list_type(const std::string& forced) {
  if (forced == mt::docker_v2s1 || forced == mt::docker_v2s1_signed || forced == mt::docker_v2s2)
    return std::string(mt::docker_list);
  if (forced == mt::oci_manifest) return std::string(mt::oci_index);
  return forced;
}

Status check_list_digest(Copier& c) {
  const auto& want = c.opts.dest_reference_digest;
  if (!want) return {};
  auto matches = manifest::matches_digest(c.top.bytes, *want);
  if (!matches) return fail(matches.error().wrap("computing digest of source image's manifest"));
  if (!*matches) return fail(ErrorKind::invalid_input, "Digest of source image's manifest would not match destination reference");
  return {};
}

struct ListCopy {
  manifest::ManifestList original;
  manifest::ManifestList updated;
  std::string cannot_modify_reason;
  std::vector<std::string> list_types;
};

Status copy_instances(Copier& c, ListCopy& lc) {
  size_t total = lc.original.manifests.size();
  size_t count = c.opts.multi_arch == MultiArch::all ? total : 0;
  c.progress.line(fmt::format("Copying {} images generated from {} images in list", count, total));
  if (count == 0) return {};
  std::vector<manifest::InstanceUpdate> updates;
  for (size_t i = 0; i < count; ++i) {
    const Digest& d = lc.original.manifests[i].digest;
    c.progress.line(fmt::format("Copying image {} ({}/{})", d.str(), i + 1, count));
    auto r = copy_single(c, d, true);
    if (!r) return fail(r.error().wrap(fmt::format("copying image {}/{} from manifest list", i + 1, count)));
    updates.push_back(manifest::InstanceUpdate{r->digest, static_cast<int64_t>(r->manifest.size()), r->mime,
                                               r->algorithms, !lc.cannot_modify_reason.empty()});
  }
  if (auto u = manifest::update_instances(lc.updated, updates); !u) return fail(u.error().wrap("updating manifest list"));
  return {};
}

// The list bytes to write as `type`; the source's own bytes when nothing changed.
Result<std::string> list_bytes(Copier& c, const ListCopy& lc, const std::string& type) {
  manifest::ManifestList attempt = lc.updated;
  if (type != lc.updated.media_type) {
    auto converted = manifest::convert_list(lc.updated, type);
    if (!converted)
      return fail(converted.error().wrap(fmt::format("converting manifest list to list with MIME type {}", go_quote(type))));
    attempt = std::move(*converted);
  }
  std::string bytes = manifest::serialize(attempt);
  if (bytes == manifest::serialize(lc.original)) return c.top.bytes;
  if (!lc.cannot_modify_reason.empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("Manifest list was edited, but we cannot modify it: {}", go_quote(lc.cannot_modify_reason)));
  return bytes;
}

Result<SingleResult> write_list(Copier& c, const ListCopy& lc) {
  c.progress.line("Writing manifest list to image destination");
  std::vector<std::string> errs;
  for (const auto& type : lc.list_types) {
    TRY_ASSIGN(std::string bytes, list_bytes(c, lc, type));
    auto put = c.dest.put_manifest(bytes, type, std::nullopt);
    if (put) {
      TRY_ASSIGN(Digest digest, manifest::manifest_digest(bytes));
      return SingleResult{std::move(bytes), type, digest, {}};
    }
    errs.push_back(fmt::format("{}({})", type, put.error().what()));
  }
  std::string joined;
  for (size_t i = 0; i < errs.size(); ++i) joined += (i ? ", " : "") + errs[i];
  return fail(ErrorKind::invalid_input, "Uploading manifest list failed, attempted the following formats: " + joined);
}

} // namespace

Result<SingleResult> copy_multiple(Copier& c) {
  ListCopy lc;
  auto parsed = manifest::parse_list(c.top.bytes, c.top.mime);
  if (!parsed) return fail(parsed.error().wrap(fmt::format("parsing manifest list {}", go_quote(c.top.bytes))));
  lc.original = *parsed;
  lc.updated = std::move(*parsed);
  TRY_ASSIGN(auto sigs, source_signatures(c, std::nullopt, "Getting image list signatures",
                                          "Checking if image list destination supports signatures"));
  TRY(check_list_digest(c));
  if (!sigs.empty()) lc.cannot_modify_reason = "Would invalidate signatures; consider removing them from the multi-platform list";
  if (c.opts.dest_reference_digest) lc.cannot_modify_reason = "Destination specifies a digest";
  if (c.opts.preserve_digests) lc.cannot_modify_reason = "Instructed to preserve digests";
  auto types = determine_list_conversion(lc.original.media_type, c.dest.supported_manifest_types(),
                                         forced_list_type(c.opts.force_manifest_type));
  if (!types) return fail(types.error().wrap("determining manifest list type to write to destination"));
  lc.list_types = std::move(*types);
  if (lc.list_types.front() != lc.original.media_type && !lc.cannot_modify_reason.empty())
    return fail(ErrorKind::invalid_input,
                fmt::format("Manifest list must be converted to type {} to be written to destination, but we cannot modify it: {}",
                            go_quote(lc.list_types.front()), lc.cannot_modify_reason));
  TRY(copy_instances(c, lc));
  TRY_ASSIGN(SingleResult result, write_list(c, lc));
  c.progress.line("Storing list signatures");
  if (auto s = c.dest.put_signatures(sigs, std::nullopt); !s) return fail(s.error().wrap("writing signatures"));
  return result;
}

} // namespace hoist::copy::detail
