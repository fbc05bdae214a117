// `sync`: skopeo's cmd/skopeo/sync.go behaviour (sources, naming, log lines, errors,
// --digestfile) run by one scheduler that copies --jobs images at once. Beyond skopeo:
// an unchanged tag costs one HEAD (registry) or one local read (dir/oci) and writes
// nothing; --dest dir updates an existing tree in place; --dest oci and --src oci use
// one shared OCI layout; blobs needed by several images at once are sent once; a dry
// run resolves and checks every image and prints the plan; a summary ends every run.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

#include "hoist/copy/copy.hpp"
#include "hoist/copy/policy.hpp"
#include "hoist/sync/destination.hpp"
#include "hoist/sync/sources.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::sync {

struct Options {
  SourceKind src_kind = SourceKind::docker;
  DestKind dest_kind = DestKind::docker;
  std::string source, destination;
  bool scoped = false;
  bool all = false;
  bool dry_run = false;
  bool keep_going = false;
  std::string append_suffix;
  std::string digestfile;
  int jobs = 4;
  transport::Context src_ctx, dest_ctx;
  // Copy settings shared by every image (platform, --format, --preserve-digests, …);
  // multi_arch follows `all`.
  copy::CopyOptions copy;
  std::optional<copy::Policy> policy; // nullopt: accept everything
  std::FILE* out = stdout;            // copy progress and the dry-run plan
  bool quiet = false;
};

struct Summary {
  size_t copied = 0, skipped = 0, failed = 0;
  uint64_t bytes_transferred = 0, bytes_present = 0;
  double seconds = 0;
};

// Runs the whole sync. Errors are skopeo's ("Error copying ref "…": …", "Sync failed due
// to previous reported error(s) for one or more images").
Status run(const Options& opts, Summary* summary = nullptr);

} // namespace hoist::sync
