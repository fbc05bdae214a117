// Go text/template's lexer and recursive-descent parser, for the subset gotemplate.cpp
// executes: text, actions, pipelines with variables and parenthesized commands, if/range/
// with/else/end, and Go's error texts with line numbers.
#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "hoist/util/gotemplate_tree.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::gotemplate::detail {

namespace {

// ---------------------------------------------------------------- lexer

enum class Tok { text, left, right, field, variable, dot, ident, string, number, pipe, lparen, rparen, declare, assign, comma, eof };

struct Token {
  Tok type;
  std::string val;
  size_t pos;
  size_t end;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

class Lexer {
public:
  explicit Lexer(std::string_view t) : m_text(t) {}

  Result<std::vector<Token>> run() {
    while (m_pos < m_text.size()) TRY(lex_text());
    m_tokens.push_back({Tok::eof, "", m_text.size(), m_text.size()});
    return m_tokens;
  }

private:
  Status error(const std::string& msg) { return fail(ErrorKind::invalid_input, fmt::format("{}:{}", line_of(m_pos), msg)); }
  int line_of(size_t pos) const { return 1 + static_cast<int>(std::count(m_text.begin(), m_text.begin() + static_cast<long>(pos), '\n')); }

  Status lex_text() {
    size_t open = m_text.find("{{", m_pos);
    std::string_view chunk = m_text.substr(m_pos, open == std::string_view::npos ? std::string_view::npos : open - m_pos);
    std::string text(chunk);
    if (m_trim_next) {
      text.erase(0, std::find_if_not(text.begin(), text.end(), is_space) - text.begin());
      m_trim_next = false;
    }
    if (open == std::string_view::npos) {
      push_text(text, m_pos);
      m_pos = m_text.size();
      return {};
    }
    bool trim_left = open + 3 < m_text.size() && m_text[open + 2] == '-' && is_space(m_text[open + 3]);
    if (trim_left) {
      while (!text.empty() && is_space(text.back())) text.pop_back();
    }
    push_text(text, m_pos);
    m_pos = open + 2 + (trim_left ? 2 : 0);
    return lex_action(open);
  }

  void push_text(const std::string& text, size_t pos) {
    if (!text.empty()) m_tokens.push_back({Tok::text, text, pos, pos + text.size()});
  }

  // At "}}" or " -}}"? Consumes it and returns true.
  bool at_right() {
    if (m_text.substr(m_pos, 2) == "}}") return m_pos += 2, true;
    if (m_pos + 4 <= m_text.size() && is_space(m_text[m_pos]) && m_text.substr(m_pos + 1, 3) == "-}}") {
      m_pos += 4;
      m_trim_next = true;
      return true;
    }
    return false;
  }

  Status lex_action(size_t open) {
    size_t p = m_pos;
    while (p < m_text.size() && is_space(m_text[p])) ++p;
    if (m_text.substr(p, 2) == "/*") { // comment
      size_t close = m_text.find("*/", p + 2);
      if (close == std::string_view::npos) return error(" unclosed comment");
      m_pos = close + 2;
      while (m_pos < m_text.size() && is_space(m_text[m_pos]) && !at_right_peek()) ++m_pos;
      if (!at_right()) return error(" comment ends before closing delimiter");
      return {};
    }
    m_tokens.push_back({Tok::left, "{{", open, m_pos});
    while (true) {
      if (m_pos >= m_text.size()) return error(" unclosed action");
      if (at_right()) {
        m_tokens.push_back({Tok::right, "}}", m_pos - 2, m_pos});
        return {};
      }
      TRY(lex_inside());
    }
  }

  bool at_right_peek() const {
    return m_text.substr(m_pos, 2) == "}}" ||
           (m_pos + 4 <= m_text.size() && is_space(m_text[m_pos]) && m_text.substr(m_pos + 1, 3) == "-}}");
  }

  void emit(Tok t, size_t start) { m_tokens.push_back({t, std::string(m_text.substr(start, m_pos - start)), start, m_pos}); }

  Status lex_inside() {
    size_t start = m_pos;
    char c = m_text[m_pos];
    if (is_space(c)) return ++m_pos, Status{};
    if (c == '|') return ++m_pos, emit(Tok::pipe, start), Status{};
    if (c == '(') return ++m_pos, emit(Tok::lparen, start), Status{};
    if (c == ')') return ++m_pos, emit(Tok::rparen, start), Status{};
    if (c == ',') return ++m_pos, emit(Tok::comma, start), Status{};
    if (c == '=') return ++m_pos, emit(Tok::assign, start), Status{};
    if (c == ':') {
      if (m_text.substr(m_pos, 2) != ":=") return error(" expected :=");
      m_pos += 2;
      return emit(Tok::declare, start), Status{};
    }
    if (c == '"' || c == '`') return lex_string(c);
    if (c == '.' && m_pos + 1 < m_text.size() && is_alnum(m_text[m_pos + 1]) &&
        !std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1]))) {
      ++m_pos;
      while (m_pos < m_text.size() && is_alnum(m_text[m_pos])) ++m_pos;
      return emit(Tok::field, start), Status{};
    }
    if (c == '.' && !(m_pos + 1 < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[m_pos + 1])))) {
      return ++m_pos, emit(Tok::dot, start), Status{};
    }
    if (c == '$') {
      ++m_pos;
      while (m_pos < m_text.size() && is_alnum(m_text[m_pos])) ++m_pos;
      return emit(Tok::variable, start), Status{};
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      ++m_pos;
      while (m_pos < m_text.size() && (is_alnum(m_text[m_pos]) || m_text[m_pos] == '.')) ++m_pos;
      return emit(Tok::number, start), Status{};
    }
    if (is_alnum(c)) {
      while (m_pos < m_text.size() && is_alnum(m_text[m_pos])) ++m_pos;
      return emit(Tok::ident, start), Status{};
    }
    return error(fmt::format(" unexpected {} in command", go_quote(std::string(1, c))));
  }

  Status lex_string(char quote) {
    size_t start = m_pos++;
    std::string out;
    while (true) {
      if (m_pos >= m_text.size() || (quote == '"' && m_text[m_pos] == '\n')) return error(" unterminated quoted string");
      char c = m_text[m_pos++];
      if (c == quote) break;
      if (c != '\\' || quote == '`') {
        out += c;
        continue;
      }
      char e = m_pos < m_text.size() ? m_text[m_pos++] : '\0';
      switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x':
        out += static_cast<char>(std::stoi(std::string(m_text.substr(m_pos, 2)), nullptr, 16));
        m_pos += 2;
        break;
      default: out += '\\'; out += e; break;
      }
    }
    m_tokens.push_back({Tok::string, out, start, m_pos});
    return {};
  }

  std::string_view m_text;
  size_t m_pos = 0;
  bool m_trim_next = false;
  std::vector<Token> m_tokens;
};

const std::vector<std::string>& known_functions() {
  static const std::vector<std::string> f{"and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt",
                                          "le", "gt", "ge", "json", "join", "lower", "upper", "title", "split", "pad", "truncate"};
  return f;
}

class Parser {
public:
  Parser(std::string_view name, std::string_view text, std::vector<Token> toks)
      : m_name(name), m_text(text), m_toks(std::move(toks)) {}

  Result<std::vector<Node>> run() {
    std::string end;
    TRY_ASSIGN(auto nodes, list(end));
    if (!end.empty()) return err(fmt::format("unexpected {{{{{}}}}}", end));
    return nodes;
  }

private:
  tl::unexpected<Error> err(const std::string& msg) const {
    size_t pos = m_toks[std::min(m_i, m_toks.size() - 1)].pos;
    int line = 1 + static_cast<int>(std::count(m_text.begin(), m_text.begin() + static_cast<long>(std::min(pos, m_text.size())), '\n'));
    return fail(ErrorKind::invalid_input, fmt::format("template: {}:{}: {}", m_name, line, msg));
  }
  const Token& peek(size_t ahead = 0) const { return m_toks[std::min(m_i + ahead, m_toks.size() - 1)]; }
  const Token& next() { return m_toks[std::min(m_i++, m_toks.size() - 1)]; }

  // Parses nodes until {{end}} / {{else…}} (returned in `end`, the "else" tokens left to the caller) or EOF.
  Result<std::vector<Node>> list(std::string& end) {
    std::vector<Node> out;
    end.clear();
    while (peek().type != Tok::eof) {
      if (peek().type == Tok::text) {
        out.push_back({Node::K::text, next().val, {}, {}, {}});
        continue;
      }
      next(); // {{
      const Token& t = peek();
      if (t.type == Tok::ident && (t.val == "end" || t.val == "else")) {
        end = next().val;
        if (end == "end" && next().type != Tok::right) return err("unexpected token in end");
        return out;
      }
      TRY_ASSIGN(auto node, action());
      out.push_back(std::move(node));
    }
    return out;
  }

  Result<Node> action() {
    const Token& t = peek();
    if (t.type == Tok::ident && (t.val == "if" || t.val == "range" || t.val == "with")) {
      std::string kw = next().val;
      return control(kw);
    }
    if (t.type == Tok::ident && (t.val == "define" || t.val == "template" || t.val == "block" || t.val == "break" || t.val == "continue")) {
      return err(fmt::format("{{{{{}}}}} is not supported by hoist", t.val));
    }
    Node n;
    n.k = Node::K::action;
    TRY_ASSIGN(n.pipe, pipeline("command", true));
    return n;
  }

  Result<Node> control(const std::string& kw) {
    Node n;
    n.k = kw == "if" ? Node::K::if_ : kw == "range" ? Node::K::range : Node::K::with;
    TRY_ASSIGN(n.pipe, pipeline(kw, true));
    std::string end;
    TRY_ASSIGN(n.body, list(end));
    if (end.empty()) return err("unexpected EOF");
    if (end == "else") {
      if (peek().type == Tok::ident && (peek().val == "if" || peek().val == "with") && kw == peek().val) {
        std::string nested = next().val; // {{else if …}}: an if inside the else branch, sharing our {{end}}
        TRY_ASSIGN(auto inner, control(nested));
        n.else_body.push_back(std::move(inner));
        return n;
      }
      if (next().type != Tok::right) return err("unexpected token in else");
      TRY_ASSIGN(n.else_body, list(end));
      if (end != "end") return err(end.empty() ? "unexpected EOF" : "expected end; found {{else}}");
    }
    return n;
  }

  Result<Pipeline> pipeline(const std::string& context, bool allow_decl) {
    Pipeline p;
    p.pos = peek().pos;
    if (allow_decl && peek().type == Tok::variable &&
        (peek(1).type == Tok::declare || peek(1).type == Tok::assign || peek(1).type == Tok::comma)) {
      p.decls.push_back(next().val);
      if (peek().type == Tok::comma) {
        next();
        if (peek().type != Tok::variable) return err("expected variable in declaration");
        p.decls.push_back(next().val);
      }
      next(); // := or =
    }
    Tok close = allow_decl ? Tok::right : Tok::rparen;
    while (true) {
      if (peek().type == close) {
        next();
        break;
      }
      if (peek().type == Tok::eof) return err(allow_decl ? "unclosed action" : "unclosed left paren");
      Command cmd;
      while (peek().type != Tok::pipe && peek().type != close && peek().type != Tok::eof) {
        TRY_ASSIGN(auto op, operand());
        cmd.args.push_back(std::move(op));
      }
      if (cmd.args.empty()) return err(fmt::format("missing value for {}", context));
      if (cmd.args[0].k == Operand::K::ident) { // Go names a failing call by the whole command
        std::string text;
        for (const auto& a : cmd.args) text += (text.empty() ? "" : " ") + a.text;
        cmd.args[0].text = text;
      }
      p.cmds.push_back(std::move(cmd));
      if (peek().type == Tok::pipe) next();
    }
    if (p.cmds.empty()) return err(fmt::format("missing value for {}", context));
    return p;
  }

  Result<Operand> operand() {
    const Token& t = next();
    Operand op;
    op.pos = t.pos;
    op.text = t.val;
    switch (t.type) {
    case Tok::dot: op.k = Operand::K::dot; break;
    case Tok::field: op.k = Operand::K::dot, op.fields.push_back(t.val.substr(1)); break;
    case Tok::variable: op.k = Operand::K::variable, op.name = t.val; break;
    case Tok::string: op.k = Operand::K::literal, op.literal = t.val, op.text = go_quote(t.val); break;
    case Tok::number: TRY(number(t.val, op)); break;
    case Tok::lparen: {
      op.k = Operand::K::pipe;
      TRY_ASSIGN(auto inner, pipeline("parenthesized pipeline", false));
      op.pipe = std::make_shared<Pipeline>(std::move(inner));
      op.text = "(…)";
      break;
    }
    case Tok::ident: TRY(ident(t.val, op)); break;
    default: return err(fmt::format("unexpected {} in operand", go_quote(t.val)));
    }
    // A chain of fields written right after the term: .A.B, $x.A, (pipe).A
    while (peek().type == Tok::field && peek().pos == m_toks[m_i - 1].end) {
      const Token& f = next();
      op.fields.push_back(f.val.substr(1));
      op.text += f.val;
      op.pos = f.pos; // Go reports a chain at its last element
    }
    return op;
  }

  Status number(const std::string& v, Operand& op) {
    op.k = Operand::K::literal;
    char* end = nullptr;
    long long i = std::strtoll(v.c_str(), &end, 0);
    if (end && *end == '\0') return op.literal = i, Status{};
    double d = std::strtod(v.c_str(), &end);
    if (end && *end == '\0') return op.literal = d, Status{};
    return err(fmt::format("bad number syntax: {}", go_quote(v)));
  }

  Status ident(const std::string& v, Operand& op) {
    op.k = Operand::K::literal;
    if (v == "true" || v == "false") return op.literal = (v == "true"), Status{};
    if (v == "nil") return op.literal = nullptr, Status{};
    const auto& f = known_functions();
    if (std::find(f.begin(), f.end(), v) == f.end()) return err(fmt::format("function {} not defined", go_quote(v)));
    op.k = Operand::K::ident;
    op.name = v;
    return {};
  }

  std::string m_name;
  std::string_view m_text;
  std::vector<Token> m_toks;
  size_t m_i = 0;
};

} // namespace

Result<std::vector<Node>> parse(std::string_view name, std::string_view text) {
  Lexer lexer(text);
  auto tokens = lexer.run();
  if (!tokens) return fail(ErrorKind::invalid_input, fmt::format("template: {}:{}", name, tokens.error().message()));
  Parser parser(name, text, std::move(*tokens));
  return parser.run();
}

} // namespace hoist::gotemplate::detail
