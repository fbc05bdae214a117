// A recursive-descent mirror of Go's encoding/json scanner, kept only for its error
// wording: each check below names the scanner state whose message it reproduces.
#include "hoist/auth/go_json_syntax.hpp"

#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::auth {

namespace {

struct SyntaxError {
  std::string message;
};

// Go's quoteChar: the byte as a one-rune quoted literal, e.g. 'x', '\n', '\''.
std::string quote_char(unsigned char c) {
  if (c == '\'') return "'\\''";
  if (c == '"') return "'\"'";
  std::string utf8;
  if (c < 0x80) {
    utf8 = std::string(1, static_cast<char>(c));
  } else {
    utf8 += static_cast<char>(0xC0 | (c >> 6));
    utf8 += static_cast<char>(0x80 | (c & 0x3F));
  }
  std::string q = go_quote(utf8);
  return "'" + q.substr(1, q.size() - 2) + "'";
}

class Scanner {
public:
  explicit Scanner(std::string_view s) : m_s(s) {}

  void document() {
    value();
    skip_space();
    if (m_i < m_s.size()) fail("after top-level value");
  }

private:
  [[noreturn]] void fail(std::string_view context) {
    if (m_i >= m_s.size()) throw SyntaxError{"unexpected end of JSON input"};
    throw SyntaxError{fmt::format("invalid character {} {}", quote_char(peek()), context)};
  }
  unsigned char peek() const { return static_cast<unsigned char>(m_s[m_i]); }
  bool at_end() const { return m_i >= m_s.size(); }
  void need_more() {
    if (at_end()) throw SyntaxError{"unexpected end of JSON input"};
  }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++m_i;
  }

  void value() {
    skip_space();
    need_more();
    unsigned char c = peek();
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    fail("looking for beginning of value");
  }

  void object() {
    ++m_i;
    skip_space();
    need_more();
    if (peek() == '}') { ++m_i; return; }
    for (;;) {
      need_more();
      if (peek() != '"') fail("looking for beginning of object key string");
      string();
      skip_space();
      need_more();
      if (peek() != ':') fail("after object key");
      ++m_i;
      value();
      skip_space();
      need_more();
      if (peek() == '}') { ++m_i; return; }
      if (peek() != ',') fail("after object key:value pair");
      ++m_i;
      skip_space();
    }
  }

  void array() {
    ++m_i;
    skip_space();
    need_more();
    if (peek() == ']') { ++m_i; return; }
    for (;;) {
      value();
      skip_space();
      need_more();
      if (peek() == ']') { ++m_i; return; }
      if (peek() != ',') fail("after array element");
      ++m_i;
    }
  }

  void string() {
    ++m_i;
    for (;;) {
      need_more();
      unsigned char c = peek();
      if (c == '"') { ++m_i; return; }
      if (c < 0x20) fail("in string literal");
      ++m_i;
      if (c == '\\') escape();
    }
  }

  void escape() {
    need_more();
    unsigned char c = peek();
    if (c == 'u') {
      ++m_i;
      for (int k = 0; k < 4; ++k) {
        need_more();
        if (!std::isxdigit(peek())) fail("in \\u hexadecimal character escape");
        ++m_i;
      }
      return;
    }
    if (std::string_view("\"\\/bfnrt").find(static_cast<char>(c)) == std::string_view::npos) {
      fail("in string escape code");
    }
    ++m_i;
  }

  bool digit() const { return !at_end() && peek() >= '0' && peek() <= '9'; }

  void number() {
    if (peek() == '-') {
      ++m_i;
      need_more();
      if (!digit()) fail("in numeric literal");
    }
    if (peek() == '0') ++m_i;
    else while (digit()) ++m_i;
    if (!at_end() && peek() == '.') {
      ++m_i;
      need_more();
      if (!digit()) fail("after decimal point in numeric literal");
      while (digit()) ++m_i;
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++m_i;
      need_more();
      if (peek() == '+' || peek() == '-') ++m_i;
      need_more();
      if (!digit()) fail("in exponent of numeric literal");
      while (digit()) ++m_i;
    }
  }

  void literal(std::string_view word) {
    ++m_i;
    for (size_t k = 1; k < word.size(); ++k) {
      need_more();
      if (peek() != static_cast<unsigned char>(word[k])) {
        fail(fmt::format("in literal {} (expecting {})", word, quote_char(static_cast<unsigned char>(word[k]))));
      }
      ++m_i;
    }
  }

  std::string_view m_s;
  size_t m_i = 0;
};

} // namespace

std::optional<std::string> go_json_syntax_error(std::string_view data) {
  try {
    Scanner(data).document();
    return std::nullopt;
  } catch (const SyntaxError& e) {
    return e.message;
  }
}

} // namespace hoist::auth
