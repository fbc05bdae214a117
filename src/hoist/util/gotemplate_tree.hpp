// The tree the Go-template parser builds and the executor walks (internal to util; see
// gotemplate.hpp for the public API).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/util/result.hpp"

namespace hoist::gotemplate::detail {

using json = nlohmann::ordered_json;

struct Pipeline;

struct Operand {
  enum class K { dot, variable, literal, ident, pipe } k = K::dot;
  std::string name;                // variable / ident name
  std::vector<std::string> fields; // field chain after the term
  json literal;
  std::shared_ptr<Pipeline> pipe;
  std::string text; // Go's String() of the node, for error context
  size_t pos = 0;
};

struct Command {
  std::vector<Operand> args;
};

struct Pipeline {
  std::vector<std::string> decls;
  std::vector<Command> cmds;
  size_t pos = 0;
};

struct Node {
  enum class K { text, action, if_, range, with } k = K::text;
  std::string text;
  Pipeline pipe;
  std::vector<Node> body, else_body;
};

// Lexes and parses `text`; errors read like Go's ("template: NAME:LINE: …").
Result<std::vector<Node>> parse(std::string_view name, std::string_view text);

} // namespace hoist::gotemplate::detail
