// Logging in logrus's text format, which is what skopeo writes to stderr and what
// scripts grep: `time="…" level=info msg="…" key=value` off a terminal, `INFO[0000] …`
// on one.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hoist::log {

enum class Level { debug, info, warning, error, fatal };

using Fields = std::vector<std::pair<std::string, std::string>>;

void set_debug(bool on);
bool debug_enabled();
// Forces the terminal or plain format (tests); by default stderr's isatty decides.
void set_terminal(bool on);

void write(Level level, std::string_view msg, Fields fields = {});
inline void debug(std::string_view msg, Fields f = {}) { if (debug_enabled()) write(Level::debug, msg, std::move(f)); }
inline void info(std::string_view msg, Fields f = {}) { write(Level::info, msg, std::move(f)); }
inline void warning(std::string_view msg, Fields f = {}) { write(Level::warning, msg, std::move(f)); }
inline void error(std::string_view msg, Fields f = {}) { write(Level::error, msg, std::move(f)); }

// One formatted line, without writing it (for tests).
std::string format_line(Level level, std::string_view msg, const Fields& fields, bool terminal,
                        std::string_view timestamp);

} // namespace hoist::log
