// One image (c/image copy/single.go copySingleImage): policy, signatures, the manifest
// type plan, layers, then config + manifest, retrying other manifest types when the
// destination rejects one.
#include <set>

#include <fmt/format.h>

#include "hoist/copy/engine.hpp"
#include "hoist/manifest/config.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::copy::detail {

namespace {

namespace mt = manifest::mt;

constexpr size_t k_config_limit = 4u << 20; // iolimits.MaxConfigBodySize

struct ImageCopy {
  Copier& c;
  bool as_instance = false;
  transport::ManifestBytes src;
  manifest::ImageManifest parsed;
  std::string cannot_modify_reason;
  ConversionPlan plan;
  bool diff_ids_needed = false;
  Result<std::string> config = std::string(); // source config bytes (or why they could not be read)
  std::vector<CopiedLayer> layers;
  bool layers_changed = false;
};

Result<std::string> read_config(Copier& c, const manifest::Descriptor& d) {
  transport::BlobInfo info;
  info.digest = d.digest;
  info.size = d.size;
  info.media_type = d.media_type;
  TRY_ASSIGN(auto blob, c.src.get_blob(info));
  TRY_ASSIGN(std::string bytes, read_all(*blob.reader, k_config_limit));
  Digest got = Digest::of(bytes, d.digest.algorithm());
  if (got != d.digest)
    return fail(ErrorKind::digest_mismatch,
                fmt::format("config validation failed: blob digest {} does not match expected {}", got.str(), d.digest.str()));
  return bytes;
}

Status check_dest_digest(Copier& c, const std::string& bytes) {
  const auto& want = c.opts.dest_reference_digest;
  if (!want) return {};
  auto matches = manifest::matches_digest(bytes, *want);
  if (!matches) return fail(matches.error().wrap("computing digest of source image's manifest"));
  if (*matches) return {};
  auto top = manifest::matches_digest(c.top.bytes, *want);
  if (!top) return fail(top.error().wrap("computing digest of source image's manifest"));
  if (!*top) return fail(ErrorKind::invalid_input, "Digest of source image's manifest would not match destination reference");
  return {};
}

// The config's diff_ids when they can be trusted to pair with the manifest's layers.
std::vector<Digest> config_diff_ids(const ImageCopy& ic) {
  std::vector<Digest> out;
  if (!ic.config || ic.config->empty() || manifest::is_schema1_type(ic.src.mime)) return out;
  auto cfg = manifest::parse_config(*ic.config);
  if (!cfg || cfg->diff_ids.size() != ic.parsed.layers.size()) return out;
  for (const auto& text : cfg->diff_ids) {
    auto d = Digest::parse(text);
    if (!d) return {};
    out.push_back(*d);
  }
  return out;
}

bool layer_digests_differ(const manifest::ImageManifest& m, const std::vector<CopiedLayer>& layers) {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].update.digest != m.layers[i].digest) return true;
  return false;
}

// The manifest (and config) to write as `mime`: the source's bytes when nothing changes.
Result<manifest::ConvertedImage> updated_image(ImageCopy& ic, const std::string& mime) {
  bool convert = mime != manifest::normalize_registry_mime(ic.src.mime);
  if (!convert && !ic.layers_changed) {
    manifest::ConvertedImage same;
    same.manifest = ic.parsed;
    same.bytes = ic.src.bytes;
    return same;
  }
  if (manifest::is_schema1_type(ic.src.mime) && !manifest::is_schema1_type(mime) && !ic.diff_ids_needed)
    return fail(ErrorKind::unsupported,
                fmt::format("Can not convert image to {}, preparing DiffIDs for this case is not supported", mime));
  manifest::ConvertInput in;
  if (!ic.config) return fail(ic.config.error());
  in.config_bytes = *ic.config;
  for (const auto& l : ic.layers) {
    in.diff_ids.push_back(l.diff_id.value_or(l.update.digest));
    in.copied_layers.push_back(l.update); // InformationOnly.LayerInfos: always, changed or not
  }
  if (auto ref = ic.c.dest.docker_reference()) { // Schema1FromComponents(dest.Reference().DockerReference())
    in.schema1_name = ref->path;
    in.schema1_tag = ref->tag;
  }
  if (ic.layers_changed) {
    in.layers.emplace();
    for (const auto& l : ic.layers) in.layers->push_back(l.update);
  }
  auto out = manifest::convert_image(ic.parsed, convert ? mime : std::string(), in);
  if (!out) return fail(out.error().wrap("creating an updated image manifest"));
  if (out->needs_gzipped_empty_layer) {
    // convertToManifestSchema1 uploads the empty layer its manifest now references.
    MemoryReader empty{std::string(manifest::gzipped_empty_layer())};
    transport::BlobInfo info;
    info.digest = manifest::gzipped_empty_layer_digest();
    info.size = static_cast<int64_t>(manifest::gzipped_empty_layer().size());
    auto put = ic.c.dest.put_blob(empty, info, false);
    if (!put) return fail(put.error().wrap("uploading empty layer").wrap("creating an updated image manifest"));
    if (put->digest != info.digest)
      return fail(ErrorKind::internal,
                  fmt::format("creating an updated image manifest: Internal error: Uploaded empty layer has digest {} instead of {}",
                              go_quote(put->digest ? put->digest->str() : std::string()), info.digest->str()));
  }
  return out;
}

// copyUpdatedConfigAndManifest for one manifest type; returns the written bytes + digest.
Result<std::pair<std::string, Digest>> write_config_and_manifest(ImageCopy& ic, const std::string& mime) {
  TRY_ASSIGN(auto image, updated_image(ic, mime));
  if (image.manifest.config) {
    const auto& desc = *image.manifest.config;
    std::string bytes;
    if (image.config_bytes) {
      bytes = *image.config_bytes;
    } else {
      if (!ic.config) return fail(ic.config.error().wrap(fmt::format("reading config blob {}", desc.digest.str())));
      bytes = *ic.config;
    }
    TRY(copy_config(ic.c, desc, bytes));
  }
  ic.c.progress.line("Writing manifest to image destination");
  TRY_ASSIGN(Digest digest, manifest::manifest_digest(image.bytes));
  std::optional<Digest> instance;
  if (ic.as_instance) instance = digest;
  auto put = ic.c.dest.put_manifest(image.bytes, mime, instance);
  if (!put) return fail(put.error().wrap("writing manifest"));
  return std::make_pair(std::move(image.bytes), digest);
}

// The preferred type first; on "type rejected" (ErrorKind::unsupported) the others.
Result<SingleResult> write_with_fallbacks(ImageCopy& ic) {
  auto first = write_config_and_manifest(ic, ic.plan.preferred);
  if (first) return SingleResult{std::move(first->first), ic.plan.preferred, first->second, {}};
  if (first.error().kind() != ErrorKind::unsupported || ic.plan.others.empty()) return fail(first.error());
  if (!ic.cannot_modify_reason.empty())
    return fail(first.error().wrap(fmt::format("writing manifest failed and we cannot try conversions: {}",
                                               go_quote(ic.cannot_modify_reason))));
  std::vector<std::string> errs = {fmt::format("{}({})", ic.plan.preferred, first.error().what())};
  for (const auto& mime : ic.plan.others) {
    auto attempt = write_config_and_manifest(ic, mime);
    if (attempt) return SingleResult{std::move(attempt->first), mime, attempt->second, {}};
    errs.push_back(fmt::format("{}({})", mime, attempt.error().what()));
  }
  std::string joined;
  for (size_t i = 0; i < errs.size(); ++i) joined += (i ? ", " : "") + errs[i];
  return fail(ErrorKind::invalid_input, "Uploading manifest failed, attempted the following formats: " + joined);
}

Status plan_image(ImageCopy& ic) {
  Copier& c = ic.c;
  ConversionInputs in;
  in.src_mime = ic.src.mime;
  in.dest_supported = c.dest.supported_manifest_types();
  in.forced = c.opts.force_manifest_type;
  in.requested_compression = c.opts.compression;
  in.cannot_modify_reason = ic.cannot_modify_reason;
  TRY_ASSIGN(ic.plan, determine_manifest_conversion(in));
  // UpdatedImageNeedsLayerDiffIDs: only a schema1 → schema2/OCI conversion needs them.
  ic.diff_ids_needed = ic.plan.preferred_needs_conversion && manifest::is_schema1_type(ic.src.mime) &&
                       (ic.plan.preferred == mt::docker_v2s2 || ic.plan.preferred == mt::oci_manifest);
  return {};
}

// sync's shortcut: the destination already has exactly these manifest bytes.
std::optional<SingleResult> already_present(ImageCopy& ic, const std::optional<Digest>& instance) {
  if (!ic.c.opts.dest_manifest || ic.plan.preferred_needs_conversion || ic.c.opts.force_compression_format)
    return std::nullopt;
  auto existing = ic.c.opts.dest_manifest(instance);
  if (!existing || existing->bytes != ic.src.bytes) return std::nullopt;
  auto digest = manifest::manifest_digest(ic.src.bytes);
  if (!digest) return std::nullopt;
  ic.c.progress.line("Skipping: image already present at destination");
  return SingleResult{existing->bytes, existing->mime, *digest, {}};
}

} // namespace

Result<std::vector<std::string>> source_signatures(Copier& c, const std::optional<Digest>& instance,
                                                   std::string_view getting_msg, std::string_view checking_msg) {
  if (c.opts.remove_signatures) return std::vector<std::string>{};
  c.progress.line(getting_msg);
  auto sigs = c.src.get_signatures(instance);
  if (!sigs) return fail(sigs.error().wrap("reading signatures"));
  if (!sigs->empty()) {
    c.progress.line(checking_msg);
    if (!c.dest.supports_signatures())
      return fail(ErrorKind::unsupported, fmt::format("Can not copy signatures to {}: {}", c.dest.description(),
                                                      c.dest.signatures_unsupported_reason()));
  }
  return sigs;
}

Result<SingleResult> copy_single(Copier& c, const std::optional<Digest>& instance, bool as_instance) {
  ImageCopy ic{c, as_instance, {}, {}, {}, {}, false, std::string(), {}, false};
  if (instance) {
    TRY_ASSIGN(ic.src, c.src.get_manifest(instance));
  } else {
    ic.src = c.top;
  }
  if (manifest::is_list_type(ic.src.mime))
    return fail(ErrorKind::invalid_input, "Unexpectedly received a manifest list instead of a manifest for a single image");
  if (c.opts.policy) {
    if (auto ok = check_policy(*c.opts.policy); !ok) return fail(ok.error().wrap("Source image rejected"));
  }
  auto parsed = manifest::parse_image(ic.src.bytes, ic.src.mime);
  if (!parsed) return fail(parsed.error().wrap(fmt::format("initializing image from source {}", c.src.description())));
  ic.parsed = std::move(*parsed);
  TRY(check_dest_digest(c, ic.src.bytes));
  if (ic.parsed.config) ic.config = read_config(c, *ic.parsed.config);
  TRY_ASSIGN(auto sigs, source_signatures(c, instance, "Getting image source signatures",
                                          "Checking if image destination supports signatures"));
  if (!sigs.empty()) ic.cannot_modify_reason = "Would invalidate signatures";
  if (c.opts.dest_reference_digest) ic.cannot_modify_reason = "Destination specifies a digest";
  if (c.opts.preserve_digests) ic.cannot_modify_reason = "Instructed to preserve digests";
  TRY(plan_image(ic));
  if (sigs.empty()) {
    if (auto skip = already_present(ic, as_instance ? instance : std::nullopt)) return *skip;
  }

  LayerContext lctx{c, manifest::normalize_registry_mime(ic.src.mime), ic.cannot_modify_reason.empty(),
                    ic.diff_ids_needed, c.opts.force_compression_format, 1, {}};
  lctx.compress_threads = ic.parsed.layers.size() == 1 || c.parallelism <= 1 ? 2 : 1;
  lctx.config_diff_ids = config_diff_ids(ic);
  TRY_ASSIGN(ic.layers, copy_layers(lctx, ic.parsed));
  ic.layers_changed = layer_digests_differ(ic.parsed, ic.layers);
  TRY_ASSIGN(SingleResult result, write_with_fallbacks(ic));
  if (!sigs.empty()) {
    c.progress.line("Storing signatures");
    std::optional<Digest> target;
    if (as_instance) target = result.digest;
    if (auto s = c.dest.put_signatures(sigs, target); !s) return fail(s.error().wrap("writing signatures"));
  }
  std::set<std::string_view> seen;
  for (const auto& l : ic.layers)
    if (l.update.algorithm && seen.insert(manifest::compression_name(*l.update.algorithm)).second)
      result.algorithms.push_back(*l.update.algorithm);
  return result;
}

} // namespace hoist::copy::detail
