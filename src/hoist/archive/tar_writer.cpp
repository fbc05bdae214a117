#include "hoist/archive/tar_writer.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "hoist/archive/member_path.hpp"
#include "hoist/archive/tar_header.hpp"

namespace hoist::archive {

namespace {

using tar::Block;
using tar::Field;

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string to_ascii(std::string_view s) {
  std::string out;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x80) out += c;
  return out;
}

// Go's fitsInOctal: n digits plus a NUL.
bool fits_octal(size_t length, int64_t v) { return v >= 0 && (length >= 12 || v < (int64_t{1} << (3 * (length - 1)))); }

// Go's formatString: copy, NUL-terminate when shorter, and never leave a trailing "/"
// in a truncated field.
void put_string(Block& b, Field f, std::string_view s) {
  std::memcpy(b.data() + f.offset, s.data(), std::min(s.size(), f.length));
  if (s.size() < f.length) b[f.offset + s.size()] = '\0';
  if (s.size() > f.length && b[f.offset + f.length - 1] == '/') {
    std::string_view head = s.substr(0, f.length - 1);
    size_t n = head.find_last_not_of('/');
    b[f.offset + (n == std::string_view::npos ? 0 : n + 1)] = '\0';
  }
}

// Go's formatOctal: zero-padded to length-1 digits, NUL; zero when it does not fit.
void put_octal(Block& b, Field f, int64_t v) {
  if (!fits_octal(f.length, v)) v = 0;
  std::string digits = fmt::format("{:o}", v);
  if (digits.size() < f.length - 1) digits.insert(0, f.length - 1 - digits.size(), '0');
  put_string(b, f, digits);
}

void finish_block(Block& b) {
  std::memcpy(b.data() + tar::f_magic.offset, "ustar\0", 6);
  std::memcpy(b.data() + tar::f_version.offset, "00", 2);
  Field sum_field{tar::f_chksum.offset, 7};
  put_octal(b, sum_field, tar::checksum_unsigned(b));
  b[tar::f_chksum.offset + 7] = ' ';
}

// Go's splitUSTARPath.
std::optional<std::pair<std::string, std::string>> split_ustar(std::string_view name) {
  size_t length = name.size();
  if (length <= 100 || !is_ascii(name)) return std::nullopt;
  if (length > 156) length = 156;
  else if (name[length - 1] == '/') --length;
  size_t i = name.substr(0, length).rfind('/');
  if (i == std::string_view::npos || i == 0) return std::nullopt;
  size_t suffix = name.size() - i - 1;
  if (suffix > 100 || suffix == 0 || i > 155) return std::nullopt;
  return std::pair{std::string(name.substr(0, i)), std::string(name.substr(i + 1))};
}

// The PAX records Go needs for `h`, and whether plain USTAR can hold it.
struct FormatChoice {
  bool ustar = true;
  std::map<std::string, std::string> pax;
};

FormatChoice choose_format(const TarHeader& h) {
  FormatChoice c;
  auto text = [&](const std::string& s, size_t size, const char* key, bool splittable) {
    if (is_ascii(s) && s.size() <= size) return;
    if (!splittable || !split_ustar(s)) c.ustar = false;
    c.pax[key] = s;
  };
  auto number = [&](int64_t v, size_t size, const char* key) {
    if (fits_octal(size, v)) return;
    c.ustar = false;
    if (key) c.pax[key] = std::to_string(v);
  };
  text(h.name, 100, "path", true);
  text(h.link_name, 100, "linkpath", false);
  text(h.uname, 32, "uname", false);
  text(h.gname, 32, "gname", false);
  number(h.mode, 8, nullptr);
  number(h.uid, 8, "uid");
  number(h.gid, 8, "gid");
  number(static_cast<int64_t>(h.size), 12, "size");
  number(h.mtime, 12, "mtime");
  return c;
}

// Go's templateV7Plus with the string formatter given.
Block main_block(const TarHeader& h, bool ascii_only) {
  Block b{};
  auto str = [&](Field f, const std::string& s) { put_string(b, f, ascii_only ? to_ascii(s) : s); };
  b[tar::f_typeflag.offset] = h.type;
  str(tar::f_name, h.name);
  str(tar::f_linkname, h.link_name);
  put_octal(b, tar::f_mode, h.mode);
  put_octal(b, tar::f_uid, h.uid);
  put_octal(b, tar::f_gid, h.gid);
  put_octal(b, tar::f_size, static_cast<int64_t>(h.size));
  put_octal(b, tar::f_mtime, h.mtime);
  str(tar::f_uname, h.uname);
  str(tar::f_gname, h.gname);
  put_octal(b, tar::f_devmajor, 0);
  put_octal(b, tar::f_devminor, 0);
  return b;
}

std::string as_string(const Block& b) { return std::string(b.data(), b.size()); }

std::string zero_padding(size_t size) { return std::string((tar::k_block - size % tar::k_block) % tar::k_block, '\0'); }

// Go's writeRawFile for the PAX record file.
std::string pax_record_file(const std::string& real_name, const std::map<std::string, std::string>& records) {
  std::string data;
  for (const auto& [k, v] : records) data += tar::format_pax_record(k, v);
  size_t slash = real_name.rfind('/');
  std::string dir = slash == std::string::npos ? "" : real_name.substr(0, slash + 1);
  std::string file = slash == std::string::npos ? real_name : real_name.substr(slash + 1);
  std::string name = clean_name(dir + "PaxHeaders.0" + (file.empty() ? "" : "/" + file));
  name = to_ascii(name).substr(0, 100);
  while (!name.empty() && name.back() == '/') name.pop_back();
  Block b{};
  b[tar::f_typeflag.offset] = tar::type_pax;
  put_string(b, tar::f_name, name);
  put_octal(b, tar::f_mode, 0);
  put_octal(b, tar::f_uid, 0);
  put_octal(b, tar::f_gid, 0);
  put_octal(b, tar::f_size, static_cast<int64_t>(data.size()));
  put_octal(b, tar::f_mtime, 0);
  finish_block(b);
  return as_string(b) + data + zero_padding(data.size());
}

} // namespace

std::string go_tar_header(const TarHeader& h) {
  FormatChoice choice = choose_format(h);
  if (choice.ustar) {
    TarHeader copy = h;
    std::string prefix;
    if (auto split = split_ustar(h.name)) std::tie(prefix, copy.name) = *split;
    Block b = main_block(copy, false);
    put_string(b, tar::f_prefix, prefix);
    finish_block(b);
    return as_string(b);
  }
  std::string out = choice.pax.empty() ? "" : pax_record_file(h.name, choice.pax);
  Block b = main_block(h, true);
  finish_block(b);
  return out + as_string(b);
}

Status TarWriter::write_raw(std::span<const std::byte> data) {
  TRY(m_out.write(data));
  m_written += data.size();
  return {};
}

Status TarWriter::write_header(const TarHeader& h) { return write_raw(as_bytes(go_tar_header(h))); }

Status TarWriter::pad(uint64_t size) {
  std::string zeros = zero_padding(static_cast<size_t>(size % tar::k_block));
  return zeros.empty() ? Status{} : write_raw(as_bytes(zeros));
}

Status TarWriter::add_file(const TarHeader& h, Reader& content) {
  TRY(write_header(h));
  std::vector<std::byte> buf(k_stream_buffer);
  uint64_t total = 0;
  for (;;) {
    TRY_ASSIGN(size_t n, content.read(buf));
    if (n == 0) break;
    if (total + n > h.size) return fail(ErrorKind::invalid_input, "archive/tar: write too long");
    TRY(write_raw(std::span<const std::byte>(buf.data(), n)));
    total += n;
  }
  if (total != h.size)
    return fail(ErrorKind::invalid_input,
                fmt::format("Size mismatch when copying {}, expected {}, got {}", h.name, h.size, total));
  return pad(total);
}

namespace {

// Moves [from, from + length) to from + delta (delta > 0), last chunk first.
Status move_forward(RandomAccess& file, uint64_t from, uint64_t length, uint64_t delta) {
  std::vector<std::byte> buf(k_stream_buffer);
  uint64_t end = from + length;
  while (end > from) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(buf.size(), end - from));
    uint64_t at = end - n;
    TRY_ASSIGN(size_t got, file.read_at(at, std::span<std::byte>(buf.data(), n)));
    if (got != n) return fail(ErrorKind::internal, "archive/tar: short read while moving a member");
    TRY(file.write_at(at + delta, std::span<const std::byte>(buf.data(), n)));
    end = at;
  }
  return {};
}

} // namespace

Status TarWriter::add_streamed(Reader& content, RandomAccess& file,
                               const std::function<TarHeader(uint64_t size)>& final_header) {
  uint64_t start = m_written;
  static const std::string placeholder(tar::k_block, '\0');
  TRY(write_raw(as_bytes(placeholder)));
  std::vector<std::byte> buf(k_stream_buffer);
  uint64_t total = 0;
  for (;;) {
    TRY_ASSIGN(size_t n, content.read(buf));
    if (n == 0) break;
    TRY(write_raw(std::span<const std::byte>(buf.data(), n)));
    total += n;
  }
  TRY(pad(total));
  std::string header = go_tar_header(final_header(total));
  if (header.size() > tar::k_block) {
    uint64_t delta = header.size() - tar::k_block;
    TRY(move_forward(file, start + tar::k_block, m_written - start - tar::k_block, delta));
    m_written += delta;
  }
  return file.write_at(start, as_bytes(header));
}

Status TarWriter::truncate_to(uint64_t offset, RandomAccess& file) {
  TRY(file.truncate(offset));
  m_written = offset;
  return {};
}

Status TarWriter::add_bytes(TarHeader h, std::string_view data) {
  h.size = data.size();
  MemoryReader reader{std::string(data)};
  return add_file(h, reader);
}

Status TarWriter::add_header_only(const TarHeader& h) {
  TarHeader copy = h;
  copy.size = 0;
  return write_header(copy);
}

Status TarWriter::close() { return write_raw(as_bytes(std::string(2 * tar::k_block, '\0'))); }

} // namespace hoist::archive
