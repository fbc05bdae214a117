// A Go text/template subset evaluated against JSON values, for `inspect --format`.
// skopeo executes the template on Go structs; hoist has their JSON form, so TypeHints
// say which JSON paths hold Go maps (printed `map[k:v]`, a missing key is `<no value>`),
// slices (nil prints `[]`), time.Time values (printed as Go's Time.String()) and pointers;
// every other object is a struct (printed `{v1 v2}`, an unknown field is an error).
// Supported: text, {{- -}} trimming, comments, fields and chains, $ and variables,
// if/else if/else, range (with $i, $v :=) /else, with/else, pipelines, parenthesised
// pipelines, string/raw/number/bool/nil literals; builtins and, or, not, len, index,
// print, printf, println, eq, ne, lt, le, gt, ge; podman's report funcs json, join,
// lower, upper, title, split, pad, truncate.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "hoist/util/result.hpp"

namespace hoist::gotemplate {

enum class GoKind { map, slice, time, pointer };

struct TypeHints {
  // Paths from the data root: object keys joined by ".", "[]" for slice elements,
  // e.g. "Labels", "LayersData[].Annotations", "History[].Created".
  std::map<std::string, GoKind> kinds;
  // Struct fields tagged `json:",omitempty"`: left out of the `json` function's output
  // when empty ("", null, [], {}, false, 0), as encoding/json does.
  std::set<std::string> omit_empty;
};

// Parses and executes `text` (template named `name`) on `data`. Errors read like Go's:
// `template: NAME:1:14: executing "NAME" at <.Foo>: can't evaluate field Foo in type …`.
Result<std::string> execute(std::string_view name, std::string_view text, const nlohmann::ordered_json& data,
                            const TypeHints& hints);

// podman's report.IsJSON: `json` or `{{json .}}` (optionally spaced) means plain JSON output.
bool is_json_format(std::string_view format);
// report.Formatter.Parse(OriginUser, format) + Execute([]any{data}): `\t`/`\n` escapes
// replaced, a newline appended, wrapped in {{range .}}…{{end -}} unless the format already
// ranges over `.`, executed over a one-element list. `table` formats are refused.
Result<std::string> format_report(std::string_view name, std::string_view format, const nlohmann::ordered_json& data,
                                  const TypeHints& hints);
// Go's time.Time.String() for an RFC 3339 timestamp ("2024-01-02 03:04:05.5 +0000 UTC").
std::string go_time_string(std::string_view rfc3339);

} // namespace hoist::gotemplate
