// Reading and writing small local files (manifests, digest files, passphrases) with Go's
// os error texts ("open /x: no such file or directory", "read /d: is a directory"),
// which skopeo embeds in its messages.
#pragma once

#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::cli {

// os.ReadFile.
Result<std::string> go_read_file(const std::string& path);
// os.WriteFile(path, data, mode): truncates or creates.
Status go_write_file(const std::string& path, std::string_view data, unsigned mode = 0644);
// The lower-case syscall text Go prints for errno (strerror with Go's capitalization).
std::string go_errno_text(int err);

} // namespace hoist::cli
