// WWW-Authenticate challenges and token scopes, parsed as containers/image does
// (docker/wwwauthenticate.go): one challenge per header value, scheme and parameter
// names lowercased, values tokens or quoted strings with backslash escapes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoist::registry {

struct Challenge {
  std::string scheme; // "basic", "bearer"
  std::map<std::string, std::string> params;
  std::string param(const std::string& key) const;
};

// One WWW-Authenticate value; nullopt when it has no scheme token.
std::optional<Challenge> parse_challenge(std::string_view header);
std::vector<Challenge> parse_challenges(const std::vector<std::string>& header_values);

struct Scope {
  std::string resource_type = "repository";
  std::string name;    // repository path "ns/repo"
  std::string actions; // "pull", "pull,push", "*"
  std::string str() const { return resource_type + ":" + name + ":" + actions; }
  friend bool operator==(const Scope&, const Scope&) = default;
};

// "repository:ns/repo:pull" (exactly three ':'-separated parts).
std::optional<Scope> parse_scope(std::string_view text);

} // namespace hoist::registry
