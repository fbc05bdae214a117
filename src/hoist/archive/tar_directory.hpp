// Tarring a directory tree the way skopeo's oci-archive: destination does it
// (containers/storage pkg/archive TarWithOptions with ChownOpts 0:0): entries in
// filepath.WalkDir order (each directory's names sorted bytewise, a directory before its
// contents, the root itself omitted), mode bits including the file type, uid/gid 0 but
// user/group names of the files' real owners, mtimes rounded to the second.
#pragma once

#include <filesystem>

#include "hoist/archive/tar_writer.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

// The header tar_directory() writes for an entry named `rel` (a directory gets its "/")
// with stat(2)'s st_mode, owner and the mtime already rounded; no size or link target.
TarHeader entry_header(std::string rel, unsigned mode, unsigned uid, unsigned gid, int64_t mtime);

// Adds everything below `root` to `writer` (without closing it).
Status tar_directory(const std::filesystem::path& root, TarWriter& writer);

} // namespace hoist::archive
