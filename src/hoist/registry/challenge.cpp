#include "hoist/registry/challenge.hpp"

#include <cstring>

#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_token(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u <= 31 || u >= 127) return false;
  return std::strchr(" \t\"(),/:;<=>?@[]\\{}", c) == nullptr;
}

std::string_view skip_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) ++i;
  return s.substr(i);
}

std::string_view expect_token(std::string_view s, std::string_view& rest) {
  size_t i = 0;
  while (i < s.size() && is_token(s[i])) ++i;
  rest = s.substr(i);
  return s.substr(0, i);
}

// A token or a quoted string; "" (with rest "") on an unterminated quote.
std::string expect_token_or_quoted(std::string_view s, std::string_view& rest) {
  if (s.empty() || s[0] != '"') return std::string(expect_token(s, rest));
  std::string out;
  bool escape = false;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (escape) {
      out += c;
      escape = false;
    } else if (c == '\\') {
      escape = true;
    } else if (c == '"') {
      rest = s.substr(i + 1);
      return out;
    } else {
      out += c;
    }
  }
  rest = {};
  return {};
}

} // namespace

std::string Challenge::param(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

std::optional<Challenge> parse_challenge(std::string_view header) {
  std::string_view s;
  std::string_view scheme = expect_token(header, s);
  if (scheme.empty()) return std::nullopt;
  Challenge c;
  c.scheme = to_lower(scheme);
  std::string with_comma = "," + std::string(skip_space(s));
  std::string_view rest = with_comma;
  while (!rest.empty() && rest[0] == ',') {
    std::string_view after;
    std::string_view key = expect_token(skip_space(rest.substr(1)), after);
    if (key.empty() || after.empty() || after[0] != '=') break;
    std::string value = expect_token_or_quoted(after.substr(1), rest);
    if (value.empty()) break;
    c.params[to_lower(key)] = value;
    rest = skip_space(rest);
  }
  return c;
}

std::vector<Challenge> parse_challenges(const std::vector<std::string>& header_values) {
  std::vector<Challenge> out;
  for (const auto& v : header_values)
    if (auto c = parse_challenge(v)) out.push_back(std::move(*c));
  return out;
}

std::optional<Scope> parse_scope(std::string_view text) {
  auto parts = split(text, ':');
  if (parts.size() != 3) return std::nullopt;
  return Scope{parts[0], parts[1], parts[2]};
}

} // namespace hoist::registry
