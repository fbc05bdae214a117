#include "hoist/util/strings.hpp"

#include <cctype>
#include <fmt/format.h>

namespace hoist {

namespace {

// Decodes one UTF-8 sequence at s[i]; returns the code point or -1 when invalid.
long decode_utf8(std::string_view s, size_t i, size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) { len = 1; return -1; }
  long cp = n == 1 ? c : c & (0x7f >> n);
  for (int k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 2) { len = 1; return -1; }
    cp = (cp << 6) | (cc & 0x3f);
  }
  len = static_cast<size_t>(n);
  return cp;
}

void quote_rune(std::string& out, long cp, std::string_view raw) {
  switch (cp) {
  case '\a': out += "\\a"; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  case '\v': out += "\\v"; return;
  case '"': out += "\\\""; return;
  case '\\': out += "\\\\"; return;
  default: break;
  }
  if (cp < 0x20 || cp == 0x7f) out += fmt::format("\\x{:02x}", cp);
  else if (cp >= 0x80 && cp < 0xa0) out += fmt::format("\\u{:04x}", cp);
  else out += raw;
}

} // namespace

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    long cp = decode_utf8(s, i, len);
    if (cp < 0) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
    else quote_rune(out, cp, s.substr(i, len));
    i += len;
  }
  return out + "\"";
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

} // namespace hoist
