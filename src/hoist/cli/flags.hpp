// A flag set that parses and prints exactly like spf13/pflag as cobra uses it, because
// scripts written for skopeo depend on its details: flags interspersed with arguments,
// `--` ending flags, bools taking `--f`/`--f=false` but never `--f false`, "optional"
// bools whose presence is tracked, repeatable comma-separated slices, Go durations, and
// pflag's exact error texts ("unknown flag: --x", `invalid argument "v" for "-q, --quiet"
// flag: strconv.ParseBool: …`). CLI11 cannot reproduce those texts or pflag's
// left-to-right first-error order, so this small table-driven parser replaces it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hoist/util/result.hpp"

namespace hoist::cli {

enum class FlagType { boolean, string, integer, uinteger, duration, string_slice, int_slice };

struct Flag {
  std::string name;
  char shorthand = 0;
  FlagType type = FlagType::string;
  std::string usage;
  bool hidden = false;
  bool local_only = false; // a root flag subcommands do not inherit (cobra's non-persistent flags)
  bool changed = false;  // set on the command line (pflag's Changed / OptionalBool.Present)
  std::string type_override; // pflag Value.Type() when not the kind's default ("algorithm")
  std::string def_value; // pflag DefValue, shown as "(default …)" when not the zero value

  bool b = false;
  std::string s;
  int64_t i = 0;
  uint64_t u = 0;
  std::chrono::nanoseconds d{0};
  std::vector<std::string> strings;
  std::vector<int64_t> ints;
};

class FlagSet {
public:
  // `inherited` flags (cobra's persistent flags of the parent) are accepted but not
  // listed under "Flags:".
  explicit FlagSet(const FlagSet* inherited = nullptr) : m_inherited(inherited) {}
  FlagSet(const FlagSet&) = delete;
  FlagSet& operator=(const FlagSet&) = delete;

  Flag& add(FlagType type, std::string name, char shorthand, std::string usage);
  Flag& add_bool(std::string name, char shorthand, std::string usage) {
    return add(FlagType::boolean, std::move(name), shorthand, std::move(usage));
  }
  Flag& add_string(std::string name, char shorthand, std::string usage, std::string def = "");

  // The flag called `name` here or in the inherited set; nullptr if unknown.
  Flag* find(std::string_view name);
  const Flag* find(std::string_view name) const;
  Flag* find_short(char c);

  // Accessors for flags that must exist (a typo is a programming error: aborts).
  const Flag& at(std::string_view name) const;
  Flag& at_mut(std::string_view name) { return const_cast<Flag&>(at(name)); }
  bool changed(std::string_view name) const { return at(name).changed; }
  bool get_bool(std::string_view name) const { return at(name).b; }
  const std::string& get_string(std::string_view name) const { return at(name).s; }
  // The value if the flag was given, else nullopt (commonFlag.OptionalString).
  std::optional<std::string> optional_string(std::string_view name) const;
  std::optional<bool> optional_bool(std::string_view name) const;

  // Parses `args` (program and command names excluded). Returns the positional
  // arguments. With stop_at_positional the first non-flag argument and everything
  // after it are returned unparsed (cobra's TraverseChildren for the root command).
  Result<std::vector<std::string>> parse(const std::vector<std::string>& args, bool stop_at_positional = false);

  // pflag's FlagUsages(): the local, non-hidden flags sorted by name, aligned.
  std::string usages() const;
  bool has_visible_flags() const;

private:
  Flag* find_own(std::string_view name, bool inherited_only);
  Flag* find_own_short(char c, bool inherited_only);
  Status set_value(Flag& flag, const std::string& value);
  Status parse_long(const std::vector<std::string>& args, size_t& i);
  Status parse_short(const std::vector<std::string>& args, size_t& i);

  const FlagSet* m_inherited;
  std::deque<Flag> m_flags; // deque: references stay valid as flags are added
};

// Go's time.ParseDuration, with its error texts.
Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s);
// Go's time.Duration.String() ("1m30s", "0s", "1.5s").
std::string format_go_duration(std::chrono::nanoseconds d);
// Go's strconv.ParseBool.
std::optional<bool> parse_go_bool(std::string_view s);

} // namespace hoist::cli
