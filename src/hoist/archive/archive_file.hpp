// Opening an archive the user named: an uncompressed tar is indexed and read in place;
// a gzip/bzip2/xz/zstd-compressed one (docker-archive: accepts those, like docker load)
// (or a pipe) is first copied, decompressed, into an unlinked temporary file under the
// big-files temporary directory, as skopeo spools it, so it vanishes even if hoist is killed.
#pragma once

#include <filesystem>
#include <string>

#include "hoist/archive/tar_index.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

enum class Compression { none, gzip, bzip2, xz, zstd };

// Compression detected from the first bytes (c/image's magic numbers).
Compression detect_compression(std::string_view head);

// Indexes the archive at `path`, decompressing it first if needed; `tmpdir` empty
// means /var/tmp (c/image's default for big files).
Result<TarIndex> open_archive(const std::filesystem::path& path, const std::string& tmpdir);

// The directory for big temporary files: `tmpdir`, or /var/tmp.
std::string big_files_dir(const std::string& tmpdir);

} // namespace hoist::archive
