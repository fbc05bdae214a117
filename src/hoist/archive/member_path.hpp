// Names of tar members. Archives are read in place and never extracted, but a member
// name or link that leaves the archive's root is still refused: such an archive is
// hostile or broken, and skopeo (whose oci-archive: untars) refuses it too.
#pragma once

#include <string>
#include <string_view>

namespace hoist::archive {

// Go's path.Clean for slash-separated names: "./a//b/../c/" → "a/c", "" → ".".
std::string clean_name(std::string_view name);
// True when a cleaned name is absolute or climbs above the root ("..", "../x", "/x").
bool escapes_root(std::string_view cleaned);
// Where a symlink named `link_name` with target `target` points, as a cleaned name
// relative to the archive root (Go's path.Join(path.Dir(link_name), target)).
std::string symlink_destination(std::string_view link_name, std::string_view target);

} // namespace hoist::archive
