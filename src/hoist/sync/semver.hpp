// Semantic versions and constraints as github.com/Masterminds/semver/v3 reads them, for
// the images-by-semver YAML key: NewVersion (loose: "v1", "1.2" accepted) and
// NewConstraint with comparisons (= != > < >= <= => =<), ~ ~> ^, wildcards (x X *,
// missing parts), hyphen ranges ("1.2 - 1.4"), AND by commas or spaces, OR by "||".
// A version with a prerelease only satisfies constraints that carry one themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::sync {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease; // without '-'
  std::string metadata;   // without '+'; ignored when comparing
};

// NewVersion; nullopt when `text` is not a (loose) semantic version.
std::optional<Version> parse_version(std::string_view text);
// Compare: -1, 0, 1 (prerelease precedence per semver 2.0.0; metadata ignored).
int compare(const Version& a, const Version& b);

class Constraints {
public:
  // NewConstraint; errors "improper constraint: <text>".
  static Result<Constraints> parse(std::string_view text);
  bool check(const Version& v) const;

  struct Term {
    std::string op; // "", "=", "!=", ">", "<", ">=", "<=", "~", "^"
    Version version;
    bool dirty = false, minor_dirty = false, patch_dirty = false;
  };

private:
  std::vector<std::vector<Term>> m_or; // OR of ANDs
};

} // namespace hoist::sync
