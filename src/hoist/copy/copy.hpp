// The copy engine (skopeo-compat.md §7, c/image copy.Image): reads the source's manifest,
// picks what to copy from a list, streams every layer once through verification and
// optional (de)compression into the destination, converts the manifest when the
// destination needs another type, and commits only when everything succeeded.
#pragma once

#include <chrono>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "hoist/copy/policy.hpp"
#include "hoist/copy/progress.hpp"
#include "hoist/digest/digest.hpp"
#include "hoist/manifest/convert.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::copy {

// --multi-arch (and --all = all).
enum class MultiArch { system, all, index_only };
// "system" | "all" | "index-only"; else skopeo's `unknown multi-arch option "x". …`.
Result<MultiArch> parse_multi_arch(std::string_view text);
// --format oci|v2s2|v2s1 → manifest MIME type; else skopeo's `unknown format "x". …`.
Result<std::string> parse_manifest_format(std::string_view text);

struct CopyOptions {
  MultiArch multi_arch = MultiArch::system;
  std::string force_manifest_type; // MIME type from --format; "" = none
  bool preserve_digests = false;
  bool remove_signatures = false;
  // --image-parallel-copies; 0 = 6. Only used when the source's get_blob and the
  // destination's put_blob are both thread-safe, else layers are copied one at a time.
  int image_parallel_copies = 0;
  // Wanted platform for lists (manifest::host_platform with the --override-* flags).
  manifest::PlatformChoice platform;
  // --dest-compress-format / --dest-compress-level (nullopt: gzip when compressing).
  std::optional<manifest::Compression> compression;
  std::optional<int> compression_level;
  bool force_compression_format = false; // --dest-force-compress-format
  // Digest of a digested destination reference (docker://x@sha256:…): the copied
  // manifest must match it and nothing may be modified.
  std::optional<Digest> dest_reference_digest;
  // Trust policy evaluated on the source image; nullopt = accept (tests, internal use).
  std::optional<PolicyCheck> policy;
  // sync's OptimizeDestinationImageAlreadyExists: reads the destination's manifest
  // (instance = nullopt for the top level); equal bytes ⇒ "Skipping: image already
  // present at destination". Unset = no check.
  std::function<Result<transport::ManifestBytes>(const std::optional<Digest>& instance)> dest_manifest;
  // --command-timeout: skopeo's context deadline. No layer starts after it, and blob
  // streams fail once it has passed ("context deadline exceeded"), local copies included.
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

struct CopyResult {
  Digest manifest_digest = Digest::of(""); // of the top-level manifest written (list digest for lists)
  std::string manifest_bytes;
  std::string manifest_mime;
};

// Copies the image `src` describes into `dest` and commits it. Error texts are c/image's.
// `--digestfile` is the caller's: write result.manifest_digest.str().
Result<CopyResult> copy_image(transport::ImageSource& src, transport::ImageDestination& dest,
                              const CopyOptions& options, Progress& progress);

} // namespace hoist::copy
