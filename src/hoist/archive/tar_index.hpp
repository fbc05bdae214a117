// An index of an uncompressed tar file, built by one pass over its headers, so that
// members are then read in place (pread on the archive) instead of extracting the
// archive to a temporary directory as skopeo does. The scan refuses what a careful
// extractor would refuse: member names or links leaving the archive root, members whose
// data runs past the end of the file, corrupt headers, sparse members.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hoist/archive/file_region.hpp"
#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::archive {

enum class EntryType { regular, directory, symlink, hardlink, other };

struct TarEntry {
  std::string name;        // cleaned (Go path.Clean), relative to the archive root
  std::string raw_name;    // as stored (after PAX / GNU long-name records)
  EntryType type = EntryType::other;
  std::string link_target; // symlink: as stored; hard link: cleaned root-relative name
  uint64_t header_offset = 0;
  uint64_t data_offset = 0;
  uint64_t size = 0;       // data bytes (0 for links and directories)
  int64_t mode = 0;
  int64_t mtime = 0;
};

class TarIndex {
public:
  // Scans the whole archive. Errors name the offending member and offset.
  static Result<TarIndex> scan(std::shared_ptr<const SharedFile> file);
  static Result<TarIndex> scan_path(const std::filesystem::path& path);

  const std::vector<TarEntry>& entries() const { return m_entries; }
  // The first entry whose cleaned name equals clean_name(name) (Go's findTarComponent
  // picks the first match too); nullptr if none.
  const TarEntry* find(std::string_view name) const;
  // find(), following symlinks and hard links inside the archive; the result is a
  // regular file. Errors: kind not_found "file does not exist"; otherwise
  // `Error reading tar archive component "x": not a regular file`.
  Result<const TarEntry*> resolve(std::string_view name) const;
  // A stream of a regular member's bytes, read in place.
  Result<ReaderPtr> open(std::string_view name) const;
  ReaderPtr open_entry(const TarEntry& entry) const;
  // The whole member, refused if larger than `limit`.
  Result<std::string> read(std::string_view name, size_t limit) const;
  const std::shared_ptr<const SharedFile>& file() const { return m_file; }

private:
  std::shared_ptr<const SharedFile> m_file;
  std::vector<TarEntry> m_entries;
  std::unordered_map<std::string, size_t> m_by_name;
};

} // namespace hoist::archive
