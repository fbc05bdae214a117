// Help output in cobra's layout: skopeo's own usage template for subcommands (no
// "Global Flags" section, no "[flags]" in the use line) and cobra's default template for
// the root command, so `--help` output lines up with skopeo's byte for byte where the
// texts are the same.
#include <algorithm>

#include <fmt/format.h>

#include "hoist/cli/command.hpp"

namespace hoist::cli {

namespace {

std::string trim_trailing_ws(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string replace_prog(std::string s, const std::string& prog) {
  const std::string key = "{prog}";
  for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + prog.size())) {
    s.replace(pos, key.size(), prog);
  }
  return s;
}

// cobra's NamePadding: the longest command name, hidden ones and "help" included.
size_t name_padding() {
  size_t pad = 4; // "help"
  for (const auto& c : command_table()) pad = std::max(pad, c.name.size());
  return std::max<size_t>(pad, 10); // "completion" (hidden) counts too
}

} // namespace

std::string command_help(const CommandSpec& cmd, const FlagSet& flags, const std::string& prog) {
  std::string out;
  std::string head = trim_trailing_ws(cmd.long_help.empty() ? cmd.short_help : cmd.long_help);
  if (!head.empty()) out += head + "\n\n";
  out += fmt::format("Usage:\n{} {}{}", prog, cmd.name, cmd.use.empty() ? "" : " " + cmd.use);
  if (!cmd.example.empty()) out += "\n\nExamples:\n" + replace_prog(cmd.example, prog);
  if (flags.has_visible_flags()) out += "\n\nFlags:\n" + trim_trailing_ws(flags.usages());
  out += "\n"; // the root's persistent flags are inherited: cobra's template adds a line
  out += "\n";
  return out;
}

std::string root_help(const FlagSet& root_flags, const std::string& prog, bool with_long) {
  std::string out;
  if (with_long) out += "Various operations with container images and container image registries\n\n";
  out += fmt::format("Usage:\n  {0} [flags]\n  {0} [command]\n\nAvailable Commands:", prog);
  struct Entry {
    std::string name, short_help;
  };
  std::vector<Entry> entries{{"help", "Help about any command"}};
  for (const auto& c : command_table()) {
    if (!c.hidden) entries.push_back({c.name, c.short_help});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
  size_t pad = name_padding();
  for (const auto& e : entries) {
    out += fmt::format("\n  {}{} {}", e.name, std::string(pad - e.name.size(), ' '), e.short_help);
  }
  out += "\n\nFlags:\n" + trim_trailing_ws(root_flags.usages());
  out += fmt::format("\n\nUse \"{} [command] --help\" for more information about a command.\n", prog);
  return out;
}

} // namespace hoist::cli
