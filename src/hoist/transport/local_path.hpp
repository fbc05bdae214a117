// Path helpers for the local layouts (dir:, oci:). skopeo builds every file name with
// Go's filepath.Join, which also cleans the path ("./x/" + "manifest.json" is
// "x/manifest.json"); error messages quote those names, so ours must be built the same way.
#pragma once

#include <string>
#include <string_view>
#include <initializer_list>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::transport {

// Go's filepath.Clean (Unix): collapse "//", drop ".", resolve "..", "" → ".".
std::string go_clean_path(std::string_view path);
// Go's filepath.Join: non-empty elements joined by "/", then cleaned; all empty → "".
std::string go_join_path(std::initializer_list<std::string_view> elements);
// The absolute path with symlinks resolved as far as the path exists (c/image's
// explicitfilepath.ResolvePathToFullyExplicit, used for policy scopes).
std::string resolve_path_explicit(std::string_view path);
// mkdir -p with mode 0755 for each created component (os.MkdirAll(p, 0o755)).
Status make_dirs_0755(const std::string& path);

} // namespace hoist::transport
