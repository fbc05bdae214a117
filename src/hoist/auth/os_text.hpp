// Go-worded OS errors ("open /x: no such file or directory") and the small file and
// environment helpers auth needs: skopeo prints these texts inside its own messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::auth {

// Go's syscall.Errno text: glibc's strerror with a lower-case first letter.
std::string go_errno_text(int err);
// Go's *os.PathError text: "<op> <path>: <errno text>".
Error go_path_error(std::string_view op, std::string_view path, int err);
// The whole file, or nullopt when it does not exist (os.IsNotExist).
Result<std::optional<std::string>> read_os_file(const std::string& path);
// fileutils.Exists: "faccessat <path>: no such file or directory".
Status path_exists(const std::string& path);
// The environment variable, "" when unset.
std::string env_or_empty(const char* name);
// homedir.Get(): $HOME, else the passwd entry's home directory.
std::string home_dir();
// Go's filepath.Join for two parts (Clean'd: duplicate and trailing slashes removed).
std::string join_path(std::string_view a, std::string_view b);
// filepath.Dir.
std::string dir_of(std::string_view path);

} // namespace hoist::auth
