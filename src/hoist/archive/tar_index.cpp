#include "hoist/archive/tar_index.hpp"

#include <charconv>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "hoist/archive/member_path.hpp"
#include "hoist/archive/tar_header.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::archive {

namespace {

using tar::header_only;
using tar::k_max_special_size;
using tar::padded;
constexpr int k_max_link_hops = 16;

tl::unexpected<Error> invalid(std::string message) { return fail(ErrorKind::invalid_input, std::move(message)); }

// Extended-header state that applies to the next real member.
struct Pending {
  std::map<std::string, std::string> pax;
  std::optional<std::string> long_name, long_link;
  std::optional<uint64_t> first_header;
};

EntryType entry_type(char flag, std::string_view name) {
  switch (flag) {
  case tar::type_regular_old: return name.ends_with('/') ? EntryType::directory : EntryType::regular;
  case tar::type_regular:
  case tar::type_contiguous: return EntryType::regular;
  case tar::type_dir: return EntryType::directory;
  case tar::type_symlink: return EntryType::symlink;
  case tar::type_hardlink: return EntryType::hardlink;
  default: return EntryType::other;
  }
}


class Scanner {
public:
  explicit Scanner(const SharedFile& file) : m_file(file) {}
  Result<std::vector<TarEntry>> run();

private:
  Result<bool> at_end(const tar::Block& block);
  Result<std::string> read_special(const tar::Block& block, uint64_t size);
  Status member(const tar::Block& block, uint64_t size);
  Result<TarEntry> make_entry(const tar::Block& block, uint64_t size);
  Status check_bounds(const std::string& name, uint64_t size) const;
  Status check_paths(const TarEntry& e) const;

  const SharedFile& m_file;
  uint64_t m_off = 0;
  Pending m_pending;
  std::vector<TarEntry> m_entries;
};

Result<std::vector<TarEntry>> Scanner::run() {
  const uint64_t end = m_file.size();
  tar::Block block{};
  while (m_off < end) {
    if (end - m_off < tar::k_block)
      return invalid(fmt::format("unexpected end of archive: incomplete tar header at offset {}", m_off));
    TRY(m_file.read_at(m_off, std::as_writable_bytes(std::span(block))));
    TRY_ASSIGN(bool done, at_end(block));
    if (done) break;
    if (!tar::checksum_ok(block)) return invalid(fmt::format("invalid tar header at offset {}", m_off));
    auto size = tar::field_number(block, tar::f_size);
    if (!size) return invalid(fmt::format("invalid tar header at offset {}: bad size field", m_off));
    TRY(member(block, static_cast<uint64_t>(*size)));
  }
  if (m_pending.first_header)
    return invalid(fmt::format("unexpected end of archive after extended header at offset {}", *m_pending.first_header));
  return std::move(m_entries);
}

// Two zero blocks (or one at the very end) end the archive, as for Go's reader.
Result<bool> Scanner::at_end(const tar::Block& block) {
  if (!tar::is_zero(block)) return false;
  uint64_t next = m_off + tar::k_block;
  if (m_file.size() - next < tar::k_block) return true;
  tar::Block second{};
  TRY(m_file.read_at(next, std::as_writable_bytes(std::span(second))));
  if (tar::is_zero(second)) return true;
  return invalid(fmt::format("invalid tar header at offset {}", next));
}

Status Scanner::check_bounds(const std::string& name, uint64_t size) const {
  uint64_t data = m_off + tar::k_block;
  if (size > m_file.size() || data > m_file.size() - size)
    return invalid(fmt::format("archive member {} is truncated: its header declares {} bytes at offset {}, "
                               "but the archive ends at {}",
                               go_quote(name), size, data, m_file.size()));
  return {};
}

Result<std::string> Scanner::read_special(const tar::Block& block, uint64_t size) {
  std::string name(tar::field_string(block, tar::f_name));
  if (size > k_max_special_size)
    return invalid(fmt::format("tar extended header {} at offset {} is too large ({} bytes)", go_quote(name), m_off, size));
  TRY(check_bounds(name, size));
  std::string data(size, '\0');
  TRY(m_file.read_at(m_off + tar::k_block, std::as_writable_bytes(std::span(data))));
  return data;
}

std::string until_nul(std::string s) {
  size_t nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  return s;
}

Status Scanner::member(const tar::Block& block, uint64_t size) {
  const char flag = block[tar::f_typeflag.offset];
  if (flag == tar::type_pax || flag == tar::type_pax_global || flag == tar::type_gnu_longname ||
      flag == tar::type_gnu_longlink) {
    TRY_ASSIGN(std::string data, read_special(block, size));
    if (!m_pending.first_header) m_pending.first_header = m_off;
    if (flag == tar::type_pax) {
      TRY_ASSIGN(m_pending.pax, tar::parse_pax_records(data));
    } else if (flag == tar::type_gnu_longname) {
      m_pending.long_name = until_nul(std::move(data));
    } else if (flag == tar::type_gnu_longlink) {
      m_pending.long_link = until_nul(std::move(data));
    } else {
      m_pending.first_header.reset(); // a global header stands alone
    }
    m_off += tar::k_block + padded(size);
    return {};
  }
  TRY_ASSIGN(TarEntry entry, make_entry(block, size));
  TRY(check_bounds(entry.raw_name, entry.size));
  TRY(check_paths(entry));
  m_off = entry.data_offset + padded(entry.size);
  m_entries.push_back(std::move(entry));
  m_pending = Pending{};
  return {};
}

Result<TarEntry> Scanner::make_entry(const tar::Block& block, uint64_t size) {
  const char flag = block[tar::f_typeflag.offset];
  const auto& pax = m_pending.pax;
  TarEntry e;
  std::string name(tar::field_string(block, tar::f_name));
  std::string prefix(tar::field_string(block, tar::f_prefix));
  if (tar::magic_of(block) == tar::Magic::ustar && !prefix.empty()) name = prefix + "/" + name;
  if (m_pending.long_name) name = *m_pending.long_name;
  if (auto it = pax.find("path"); it != pax.end()) name = it->second;
  std::string link(tar::field_string(block, tar::f_linkname));
  if (m_pending.long_link) link = *m_pending.long_link;
  if (auto it = pax.find("linkpath"); it != pax.end()) link = it->second;
  if (auto it = pax.find("size"); it != pax.end()) {
    auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), size);
    if (ec != std::errc() || ptr != it->second.data() + it->second.size())
      return invalid(fmt::format("archive member {}: invalid PAX size {}", go_quote(name), go_quote(it->second)));
  }
  if (flag == tar::type_gnu_sparse || pax.contains("GNU.sparse.map") || pax.contains("GNU.sparse.major") ||
      pax.contains("GNU.sparse.size"))
    return fail(ErrorKind::unsupported, fmt::format("archive member {}: sparse files are not supported", go_quote(name)));
  e.raw_name = name;
  e.name = clean_name(name);
  e.type = entry_type(flag, name);
  e.header_offset = m_pending.first_header.value_or(m_off);
  e.data_offset = m_off + tar::k_block;
  e.size = header_only(flag) ? 0 : size;
  e.mode = tar::field_number(block, tar::f_mode).value_or(0);
  e.mtime = tar::field_number(block, tar::f_mtime).value_or(0);
  e.link_target = e.type == EntryType::hardlink ? clean_name(link) : link;
  return e;
}

Status Scanner::check_paths(const TarEntry& e) const {
  if (escapes_root(e.name))
    return invalid(fmt::format("archive member {}: path escapes the archive root", go_quote(e.raw_name)));
  std::string dest;
  if (e.type == EntryType::symlink) dest = symlink_destination(e.name, e.link_target);
  if (e.type == EntryType::hardlink) dest = e.link_target;
  if (!dest.empty() && escapes_root(dest))
    return invalid(fmt::format("archive member {} links to {}, outside the archive root", go_quote(e.raw_name),
                               go_quote(e.link_target)));
  return {};
}

} // namespace

Result<TarIndex> TarIndex::scan(std::shared_ptr<const SharedFile> file) {
  TarIndex index;
  TRY_ASSIGN(index.m_entries, Scanner(*file).run());
  index.m_file = std::move(file);
  for (size_t i = 0; i < index.m_entries.size(); ++i) index.m_by_name.try_emplace(index.m_entries[i].name, i);
  return index;
}

Result<TarIndex> TarIndex::scan_path(const std::filesystem::path& path) {
  TRY_ASSIGN(auto file, SharedFile::open(path));
  return scan(std::move(file));
}

const TarEntry* TarIndex::find(std::string_view name) const {
  auto it = m_by_name.find(clean_name(name));
  return it == m_by_name.end() ? nullptr : &m_entries[it->second];
}

Result<const TarEntry*> TarIndex::resolve(std::string_view name) const {
  const TarEntry* e = find(name);
  for (int hop = 0; e && hop <= k_max_link_hops; ++hop) {
    switch (e->type) {
    case EntryType::regular: return e;
    case EntryType::symlink: e = find(symlink_destination(e->name, e->link_target)); break;
    case EntryType::hardlink: e = find(e->link_target); break;
    default:
      return invalid(fmt::format("Error reading tar archive component {}: not a regular file", go_quote(e->raw_name)));
    }
  }
  if (e) return invalid(fmt::format("{}: too many levels of symbolic links", go_quote(std::string(name))));
  return fail(ErrorKind::not_found, "file does not exist");
}

ReaderPtr TarIndex::open_entry(const TarEntry& entry) const {
  return std::make_unique<RegionReader>(m_file, entry.data_offset, entry.size);
}

Result<ReaderPtr> TarIndex::open(std::string_view name) const {
  TRY_ASSIGN(const TarEntry* e, resolve(name));
  return open_entry(*e);
}

Result<std::string> TarIndex::read(std::string_view name, size_t limit) const {
  TRY_ASSIGN(const TarEntry* e, resolve(name));
  if (e->size > limit)
    return invalid(fmt::format("exceeded maximum allowed size of {} bytes", limit));
  std::string data(e->size, '\0');
  TRY(m_file->read_at(e->data_offset, std::as_writable_bytes(std::span(data))));
  return data;
}

} // namespace hoist::archive
