#include "hoist/reference/grammar.hpp"

#include <cstdint>
#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::reference::grammar {

namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_xdigit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Alphanumeric runs separated by single separator runs accepted by `separator_ok`;
// the string must start and end with an alphanumeric run.
template <class Alnum, class SeparatorOk>
bool runs_with_separators(std::string_view s, Alnum alnum, SeparatorOk separator_ok) {
  if (s.empty() || !alnum(s.front()) || !alnum(s.back())) return false;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && alnum(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !alnum(s[i])) ++i;
    if (i > start && !separator_ok(s.substr(start, i - start))) return false;
  }
  return true;
}

bool is_domain_component(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

// `name` = `(?:domain/)?component(?:/component)*`; fills domain and path.
bool match_name(std::string_view name, ReferenceMatch& m) {
  auto all_components = [](std::string_view p) {
    for (const auto& c : split(p, '/'))
      if (!is_path_component(c)) return false;
    return true;
  };
  auto slash = name.find('/');
  if (slash != std::string_view::npos && is_domain(name.substr(0, slash)) &&
      all_components(name.substr(slash + 1))) {
    m.domain = name.substr(0, slash);
    m.path = name.substr(slash + 1);
    return true;
  }
  if (!all_components(name)) return false;
  m.domain = {};
  m.path = name;
  return true;
}

// Decodes the UTF-8 sequence at s[i]; returns -1 for invalid bytes.
long decode_utf8(std::string_view s, size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return ++i, -1;
  long cp = n == 1 ? c : c & (0x7f >> n);
  for (int k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 2) return ++i, -1;
    cp = (cp << 6) | (cc & 0x3f);
  }
  i += static_cast<size_t>(n);
  return cp;
}

bool is_upper_rune(long cp) {
  if (cp >= 'A' && cp <= 'Z') return true;
  if (cp >= 0xC0 && cp <= 0xDE) return cp != 0xD7;
  if (cp >= 0x100 && cp <= 0x137) return cp % 2 == 0;
  if (cp >= 0x139 && cp <= 0x148) return cp % 2 == 1;
  if (cp >= 0x14A && cp <= 0x177) return cp % 2 == 0;
  if (cp == 0x178) return true;
  if (cp >= 0x179 && cp <= 0x17E) return cp % 2 == 1;
  if (cp >= 0x391 && cp <= 0x3AB) return cp != 0x3A2;
  if (cp >= 0x400 && cp <= 0x42F) return true;
  return cp >= 0xFF21 && cp <= 0xFF3A;
}

} // namespace

bool has_upper(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    long cp = decode_utf8(s, i);
    if (cp < 0 || is_upper_rune(cp)) return true;
  }
  return false;
}

bool is_path_component(std::string_view s) {
  return runs_with_separators(s, is_lower_alnum, [](std::string_view sep) {
    if (sep == "." || sep == "_" || sep == "__") return true;
    return sep.find_first_not_of('-') == std::string_view::npos;
  });
}

bool is_domain(std::string_view s) {
  auto colon = s.find(':');
  if (colon != std::string_view::npos) {
    auto port = s.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port)
      if (!is_digit(c)) return false;
    s = s.substr(0, colon);
  }
  for (const auto& c : split(s, '.'))
    if (!is_domain_component(c)) return false;
  return true;
}

bool is_tag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !is_word(s.front())) return false;
  for (char c : s)
    if (!is_word(c) && c != '.' && c != '-') return false;
  return true;
}

bool is_digest_syntax(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  auto algo = s.substr(0, colon);
  auto hex = s.substr(colon + 1);
  if (hex.size() < 32) return false;
  for (char c : hex)
    if (!is_xdigit(c)) return false;
  // Components start with a letter and are separated by one of [-_+.].
  if (algo.empty() || !is_alpha(algo.front())) return false;
  for (size_t i = 1; i < algo.size(); ++i) {
    char c = algo[i];
    bool sep = c == '-' || c == '_' || c == '+' || c == '.';
    if (sep && (i + 1 >= algo.size() || !is_alpha(algo[i + 1]))) return false;
    if (!sep && !is_alnum(c)) return false;
  }
  return true;
}

bool is_identifier(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!(is_digit(c) || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_oci_ref(std::string_view s) {
  for (const auto& c : split(s, '/')) {
    bool ok = runs_with_separators(c, is_alnum, [](std::string_view sep) {
      return sep == "--" || (sep.size() == 1 && std::string_view("-._:@+").find(sep[0]) != std::string_view::npos);
    });
    if (!ok) return false;
  }
  return true;
}

std::optional<ReferenceMatch> match_reference(std::string_view s) {
  ReferenceMatch m;
  // Neither name nor tag may contain '@', so the first one starts the digest.
  auto at = s.find('@');
  if (at != std::string_view::npos) {
    m.digest = s.substr(at + 1);
    if (!is_digest_syntax(m.digest)) return std::nullopt;
    s = s.substr(0, at);
  }
  // A tag cannot contain '/', and a ':' in the name is a port followed by '/'.
  auto colon = s.rfind(':');
  auto slash = s.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    m.tag = s.substr(colon + 1);
    if (!is_tag(m.tag)) return std::nullopt;
    s = s.substr(0, colon);
  }
  m.name = s;
  if (!match_name(s, m)) return std::nullopt;
  return m;
}

Result<long long> go_atoi(std::string_view s) {
  auto num_error = [&](std::string_view what) {
    return fail(ErrorKind::invalid_input, fmt::format("strconv.Atoi: parsing {}: {}", go_quote(s), what));
  };
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return num_error("invalid syntax");
  uint64_t n = 0;
  for (char c : digits) {
    if (!is_digit(c)) return num_error("invalid syntax");
    auto d = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return num_error("value out of range");
    n = n * 10 + d;
  }
  constexpr uint64_t k_limit = uint64_t{1} << 63;
  if (negative ? n > k_limit : n >= k_limit) return num_error("value out of range");
  return negative ? static_cast<long long>(0 - n) : static_cast<long long>(n);
}

} // namespace hoist::reference::grammar
