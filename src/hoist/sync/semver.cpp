#include "hoist/sync/semver.hpp"

#include <regex>

#include <fmt/format.h>

namespace hoist::sync {

namespace {

using Term = Constraints::Term;

const std::regex& version_regex() {
  static const std::regex re(R"(^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?)"
                             R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
                             R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$)");
  return re;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::optional<uint64_t> number(std::string_view s) {
  if (!all_digits(s) || s.size() > 19) return std::nullopt;
  return std::stoull(std::string(s));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Numeric prerelease identifiers may not have leading zeros (validatePrerelease).
bool valid_prerelease(std::string_view pre) {
  if (pre.empty()) return true;
  for (const auto& id : split(pre, '.')) {
    if (all_digits(id) && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

int compare_identifiers(const std::string& a, const std::string& b) {
  bool an = all_digits(a), bn = all_digits(b);
  if (an && bn) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
    return a == b ? 0 : (a < b ? -1 : 1);
  }
  if (an != bn) return an ? -1 : 1;
  return a == b ? 0 : (a < b ? -1 : 1);
}

int compare_prerelease(const std::string& a, const std::string& b) {
  if (a == b) return 0;
  if (a.empty()) return 1;
  if (b.empty()) return -1;
  auto pa = split(a, '.'), pb = split(b, '.');
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    if (int c = compare_identifiers(pa[i], pb[i]); c != 0) return c;
  }
  if (pa.size() == pb.size()) return 0;
  return pa.size() < pb.size() ? -1 : 1;
}

bool is_x(std::string_view s) { return s == "x" || s == "X" || s == "*"; }

} // namespace

std::optional<Version> parse_version(std::string_view text) {
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, version_regex())) return std::nullopt;
  Version v;
  auto major = number(m[1].str());
  if (!major) return std::nullopt;
  v.major = *major;
  if (m[2].matched) {
    auto n = number(m[2].str().substr(1));
    if (!n) return std::nullopt;
    v.minor = *n;
  }
  if (m[3].matched) {
    auto n = number(m[3].str().substr(1));
    if (!n) return std::nullopt;
    v.patch = *n;
  }
  v.prerelease = m[5].str();
  v.metadata = m[8].str();
  if (!valid_prerelease(v.prerelease)) return std::nullopt;
  return v;
}

int compare(const Version& a, const Version& b) {
  auto cmp = [](uint64_t x, uint64_t y) { return x == y ? 0 : (x < y ? -1 : 1); };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  return compare_prerelease(a.prerelease, b.prerelease);
}

namespace {

// parseConstraint: "op version" with x/X/* or missing parts marking the term dirty.
Result<Term> parse_term(const std::string& text) {
  static const std::regex re(R"(^\s*(!=|=>|>=|=<|<=|~>|=|>|<|~|\^)?\s*v?(([0-9]+|[xX*])(\.([0-9]+|[xX*]))?)"
                             R"((\.([0-9]+|[xX*]))?(-[0-9A-Za-z\-.]+)?(\+[0-9A-Za-z\-.]+)?)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return fail(ErrorKind::invalid_input, "improper constraint: " + text);
  Term t;
  t.op = m[1].str();
  if (t.op == "=>") t.op = ">=";
  if (t.op == "=<") t.op = "<=";
  if (t.op == "~>") t.op = "~";
  std::string major = m[3].str(), minor = m[5].str(), patch = m[7].str(), pre = m[8].str();
  std::string ver;
  if (is_x(major)) {
    ver = "0.0.0" + pre;
    t.dirty = true;
  } else if (minor.empty() || is_x(minor)) {
    ver = major + ".0.0" + pre;
    t.dirty = t.minor_dirty = true;
  } else if (patch.empty() || is_x(patch)) {
    ver = major + "." + minor + ".0" + pre;
    t.dirty = t.patch_dirty = true;
  } else {
    ver = major + "." + minor + "." + patch + pre;
  }
  auto v = parse_version(ver);
  if (!v) return fail(ErrorKind::invalid_input, "improper constraint: " + text);
  t.version = *v;
  return t;
}

bool tilde(const Version& v, const Term& t) {
  const Version& c = t.version;
  if (compare(v, c) < 0) return false;
  if (c.major == 0 && c.minor == 0 && c.patch == 0 && !t.minor_dirty && !t.patch_dirty) return true;
  if (v.major != c.major) return false;
  return v.minor == c.minor || t.minor_dirty;
}

bool caret(const Version& v, const Term& t) {
  const Version& c = t.version;
  if (compare(v, c) < 0) return false;
  if (c.major > 0 || t.minor_dirty) return v.major == c.major;
  if (c.minor > 0 || t.patch_dirty) return v.major == 0 && v.minor == c.minor;
  return v.major == 0 && v.minor == 0 && v.patch == c.patch;
}

bool greater(const Version& v, const Term& t) {
  const Version& c = t.version;
  if (!t.dirty) return compare(v, c) > 0;
  if (v.major != c.major) return v.major > c.major;
  if (t.minor_dirty) return false;
  if (t.patch_dirty) return v.minor > c.minor;
  return compare(v, c) > 0;
}

bool less_equal(const Version& v, const Term& t) {
  const Version& c = t.version;
  if (!t.dirty) return compare(v, c) <= 0;
  if (v.major != c.major) return v.major < c.major;
  if (t.minor_dirty) return true;
  return v.minor <= c.minor;
}

bool not_equal(const Version& v, const Term& t) {
  const Version& c = t.version;
  if (!t.dirty) return compare(v, c) != 0;
  if (v.major != c.major) return true;
  if (t.minor_dirty) return false;
  if (v.minor != c.minor) return true;
  return false;
}

bool check_term(const Version& v, const Term& t) {
  if (!v.prerelease.empty() && t.version.prerelease.empty()) return false;
  if (t.op.empty() || t.op == "=") return t.dirty ? tilde(v, t) : compare(v, t.version) == 0;
  if (t.op == "!=") return not_equal(v, t);
  if (t.op == ">") return greater(v, t);
  if (t.op == "<") return compare(v, t.version) < 0;
  if (t.op == ">=") return compare(v, t.version) >= 0;
  if (t.op == "<=") return less_equal(v, t);
  if (t.op == "~") return tilde(v, t);
  return caret(v, t);
}

bool is_operator(std::string_view s) {
  for (std::string_view op : {"!=", "=>", ">=", "=<", "<=", "~>", "=", ">", "<", "~", "^"})
    if (s == op) return true;
  return false;
}

std::vector<std::string> whitespace_tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// One "||" branch: terms separated by commas or spaces, "A - B" hyphen ranges, and an
// operator written apart from its version ("> 1.2").
Result<std::vector<Term>> parse_branch(const std::string& branch) {
  std::vector<std::string> tokens;
  for (const auto& piece : split(branch, ',')) {
    auto ws = whitespace_tokens(piece);
    if (ws.empty()) return fail(ErrorKind::invalid_input, "improper constraint: " + branch);
    for (size_t i = 0; i < ws.size(); ++i) {
      if (i + 2 < ws.size() && ws[i + 1] == "-") {
        tokens.push_back(">=" + ws[i]);
        tokens.push_back("<=" + ws[i + 2]);
        i += 2;
      } else if (is_operator(ws[i]) && i + 1 < ws.size()) {
        tokens.push_back(ws[i] + ws[i + 1]);
        ++i;
      } else {
        tokens.push_back(ws[i]);
      }
    }
  }
  std::vector<Term> terms;
  for (const auto& tok : tokens) {
    auto t = parse_term(tok);
    if (!t) return fail(ErrorKind::invalid_input, "improper constraint: " + branch);
    terms.push_back(std::move(*t));
  }
  return terms;
}

} // namespace

Result<Constraints> Constraints::parse(std::string_view text) {
  Constraints out;
  std::string all(text);
  size_t start = 0;
  for (;;) {
    size_t at = all.find("||", start);
    std::string branch = all.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (whitespace_tokens(branch).empty()) {
      out.m_or.push_back({}); // "" is ">=0.0.0"-like: matches every release
      out.m_or.back().push_back(Term{">=", Version{}, false, false, false});
    } else {
      TRY_ASSIGN(auto terms, parse_branch(branch));
      out.m_or.push_back(std::move(terms));
    }
    if (at == std::string::npos) break;
    start = at + 2;
  }
  return out;
}

bool Constraints::check(const Version& v) const {
  for (const auto& branch : m_or) {
    bool ok = true;
    for (const auto& t : branch) ok = ok && check_term(v, t);
    if (ok) return true;
  }
  return false;
}

} // namespace hoist::sync
