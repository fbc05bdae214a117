// The 512-byte tar header block (V7 / USTAR / GNU / PAX), shared by the reader and the
// writer. Field offsets and number encodings follow POSIX pax and Go's archive/tar
// (format.go, strconv.go), because the archives we write must be byte-identical to the
// ones skopeo's Go code writes, and the ones we read come from docker save, skopeo,
// umoci, GNU tar and Python's tarfile.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::archive::tar {

inline constexpr size_t k_block = 512;
using Block = std::array<char, k_block>;

// Field (offset, length) pairs.
struct Field {
  size_t offset, length;
};
inline constexpr Field f_name{0, 100}, f_mode{100, 8}, f_uid{108, 8}, f_gid{116, 8}, f_size{124, 12},
    f_mtime{136, 12}, f_chksum{148, 8}, f_typeflag{156, 1}, f_linkname{157, 100}, f_magic{257, 6},
    f_version{263, 2}, f_uname{265, 32}, f_gname{297, 32}, f_devmajor{329, 8}, f_devminor{337, 8},
    f_prefix{345, 155};

inline constexpr char type_regular = '0', type_regular_old = '\0', type_hardlink = '1', type_symlink = '2',
                      type_char = '3', type_block = '4', type_dir = '5', type_fifo = '6', type_contiguous = '7',
                      type_pax = 'x', type_pax_global = 'g', type_gnu_longname = 'L', type_gnu_longlink = 'K',
                      type_gnu_sparse = 'S';

enum class Magic { v7, ustar, gnu };

inline constexpr uint64_t k_max_special_size = 1u << 20; // Go's maxSpecialFileSize

// A member's data length rounded up to whole blocks.
inline uint64_t padded(uint64_t n) { return (n + k_block - 1) / k_block * k_block; }
// Types whose size field is ignored (Go's isHeaderOnlyType).
inline bool header_only(char flag) { return flag >= type_hardlink && flag <= type_fifo; }

bool is_zero(const Block& b);
Magic magic_of(const Block& b);
// Sum of the header bytes with the checksum field counted as spaces (unsigned and
// signed variants: old tars used signed chars).
int64_t checksum_unsigned(const Block& b);
int64_t checksum_signed(const Block& b);
bool checksum_ok(const Block& b);

// A NUL-terminated string field.
std::string_view field_string(const Block& b, Field f);
// An octal (space/NUL padded) or GNU base-256 number; nullopt when malformed.
std::optional<int64_t> field_number(const Block& b, Field f);

// PAX extended header records "LEN key=value\n"...; later keys override earlier ones.
Result<std::map<std::string, std::string>> parse_pax_records(std::string_view data);
// One record, exactly as Go's formatPAXRecord writes it.
std::string format_pax_record(std::string_view key, std::string_view value);

} // namespace hoist::archive::tar
