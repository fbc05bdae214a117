#include "hoist/archive/tar_header.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace hoist::archive::tar {

bool is_zero(const Block& b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == 0; });
}

Magic magic_of(const Block& b) {
  std::string_view magic(b.data() + f_magic.offset, 6);
  std::string_view version(b.data() + f_version.offset, 2);
  if (magic == std::string_view("ustar\0", 6) && version == "00") return Magic::ustar;
  if (magic == "ustar " && version == std::string_view(" \0", 2)) return Magic::gnu;
  return Magic::v7;
}

int64_t checksum_unsigned(const Block& b) {
  int64_t sum = 0;
  for (size_t i = 0; i < k_block; ++i) {
    bool in_field = i >= f_chksum.offset && i < f_chksum.offset + f_chksum.length;
    sum += in_field ? ' ' : static_cast<unsigned char>(b[i]);
  }
  return sum;
}

int64_t checksum_signed(const Block& b) {
  int64_t sum = 0;
  for (size_t i = 0; i < k_block; ++i) {
    bool in_field = i >= f_chksum.offset && i < f_chksum.offset + f_chksum.length;
    sum += in_field ? ' ' : static_cast<signed char>(b[i]);
  }
  return sum;
}

bool checksum_ok(const Block& b) {
  auto stored = field_number(b, f_chksum);
  return stored && (*stored == checksum_unsigned(b) || *stored == checksum_signed(b));
}

std::string_view field_string(const Block& b, Field f) {
  std::string_view s(b.data() + f.offset, f.length);
  size_t nul = s.find('\0');
  return nul == std::string_view::npos ? s : s.substr(0, nul);
}

static std::optional<int64_t> parse_base256(std::string_view s) {
  // GNU binary: the first byte's 0x80 bit marks it, 0x40 the sign (negative refused).
  if (static_cast<unsigned char>(s[0]) & 0x40) return std::nullopt;
  uint64_t v = static_cast<unsigned char>(s[0]) & 0x3f;
  for (size_t i = 1; i < s.size(); ++i) {
    if (v >> 55) return std::nullopt; // would overflow int64
    v = (v << 8) | static_cast<unsigned char>(s[i]);
  }
  return static_cast<int64_t>(v);
}

std::optional<int64_t> field_number(const Block& b, Field f) {
  std::string_view s(b.data() + f.offset, f.length);
  if (static_cast<unsigned char>(s[0]) & 0x80) return parse_base256(s);
  // Octal digits, with leading/trailing spaces and NULs (Go's parseOctal trims them).
  size_t start = s.find_first_not_of(std::string_view(" \0", 2));
  if (start == std::string_view::npos) return int64_t{0};
  size_t end = s.find_last_not_of(std::string_view(" \0", 2)) + 1;
  std::string_view digits = s.substr(start, end - start);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, 8);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || v < 0) return std::nullopt;
  return v;
}

Result<std::map<std::string, std::string>> parse_pax_records(std::string_view data) {
  std::map<std::string, std::string> out;
  auto bad = [] { return fail(ErrorKind::invalid_input, "invalid tar header: malformed PAX record"); };
  while (!data.empty()) {
    size_t sp = data.find(' ');
    if (sp == std::string_view::npos || sp == 0) return bad();
    size_t len = 0;
    auto [ptr, ec] = std::from_chars(data.data(), data.data() + sp, len);
    if (ec != std::errc() || ptr != data.data() + sp || len <= sp + 1 || len > data.size()) return bad();
    std::string_view rec = data.substr(sp + 1, len - sp - 1);
    data.remove_prefix(len);
    if (rec.empty() || rec.back() != '\n') return bad();
    rec.remove_suffix(1);
    size_t eq = rec.find('=');
    if (eq == std::string_view::npos || eq == 0) return bad();
    out[std::string(rec.substr(0, eq))] = std::string(rec.substr(eq + 1));
  }
  return out;
}

std::string format_pax_record(std::string_view key, std::string_view value) {
  size_t size = key.size() + value.size() + 3; // ' ', '=' and '\n'
  size += std::to_string(size).size();
  std::string rec = fmt::format("{} {}={}\n", size, key, value);
  if (rec.size() != size) rec = fmt::format("{} {}={}\n", rec.size(), key, value);
  return rec;
}

} // namespace hoist::archive::tar
