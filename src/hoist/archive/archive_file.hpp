// Opening an archive the user named: an uncompressed tar is indexed and read in place;
// a gzip/bzip2/xz/zstd-compressed one (docker-archive: accepts those, like docker load)
// (or a pipe) is first copied, decompressed, into an unlinked temporary file under the
// big-files temporary directory, as skopeo spools it, so it vanishes even if hoist is killed.
// Unlike skopeo's, the spool ends where the tar ends and never fills the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "hoist/archive/tar_index.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

enum class Compression { none, gzip, bzip2, xz, zstd };

// Compression detected from the first bytes (c/image's magic numbers).
Compression detect_compression(std::string_view head);

// Indexes the archive at `path`, decompressing it first if needed; `tmpdir` empty
// means /var/tmp (c/image's default for big files). The spool stops at the tar's
// end-of-archive marker, and fails once it would exceed `spool_limit` bytes (default:
// the temporary file system's free space less a reserve of 5%, at most 1 GiB).
Result<TarIndex> open_archive(const std::filesystem::path& path, const std::string& tmpdir,
                              std::optional<uint64_t> spool_limit = std::nullopt);

// The directory for big temporary files: `tmpdir`, or /var/tmp.
std::string big_files_dir(const std::string& tmpdir);

} // namespace hoist::archive
