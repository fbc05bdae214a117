// Filesystem paths of dir:/oci:/oci-archive:/sif: references, resolved the way
// containers/image's explicitfilepath does it when a reference is parsed. skopeo fails
// at parse time when the parent directory is missing ("lstat /abs/parent: no such file
// or directory"), and policy scopes match the resolved path.
#pragma once

#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::reference {

// Absolute, symlink-free form of `path`; the last component may not exist yet, but its
// parent must. Errors read like Go's ("lstat /x/y: no such file or directory").
Result<std::string> resolve_path_to_fully_explicit(std::string_view path);

// Go's filepath.Clean (lexical: "a//b/../c/." → "a/c", "" → ".").
std::string clean_path(std::string_view path);

} // namespace hoist::reference
