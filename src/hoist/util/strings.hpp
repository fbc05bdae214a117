// Small string helpers with Go semantics where skopeo's output depends on them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hoist {

// Go's strconv.Quote: "…" with \n, \t, \", \\, \xNN / \uNNNN for non-printables.
std::string go_quote(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
std::vector<std::string> split(std::string_view s, char sep);
std::string to_lower(std::string_view s);
std::string trim(std::string_view s);

} // namespace hoist
