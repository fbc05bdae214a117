// Hand-written matchers for the distribution/reference and OCI ref-name grammars.
// The Go code uses RE2 regexes; these functions accept exactly the same languages
// (and report the same captures) without a backtracking regex engine, so a hostile
// multi-kilobyte reference cannot blow the stack or take exponential time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hoist/util/result.hpp"

namespace hoist::reference::grammar {

// `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`
bool is_path_component(std::string_view s);
// `[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]` joined by '.', optional `:[0-9]+`.
bool is_domain(std::string_view s);
// `[\w][\w.-]{0,127}`
bool is_tag(std::string_view s);
// `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}`
bool is_digest_syntax(std::string_view s);
// `^[a-f0-9]{64}$` (image IDs that ParseNormalizedNamed refuses as names).
bool is_identifier(std::string_view s);
// OCI layout ref names: `^C(?:/C)*$`, C = `[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*`.
bool is_oci_ref(std::string_view s);

// The captures of `^(name)(?::(tag))?(?:@(digest))?$` with name split like
// anchoredNameRegexp into its optional domain and path.
struct ReferenceMatch {
  std::string_view name, domain, path, tag, digest;
};
std::optional<ReferenceMatch> match_reference(std::string_view s);

// strings.ToLower(s) != s in Go: ASCII exactly; invalid UTF-8 counts as a change (Go
// substitutes U+FFFD); non-ASCII letters by the main Latin/Greek/Cyrillic case ranges.
bool has_upper(std::string_view s);

// Go's strconv.Atoi, with its error text (`strconv.Atoi: parsing "x": invalid syntax`).
Result<long long> go_atoi(std::string_view s);

} // namespace hoist::reference::grammar
