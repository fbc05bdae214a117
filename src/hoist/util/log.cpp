#include "hoist/util/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <unistd.h>

#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::log {

namespace {

std::atomic<bool> g_debug{false};
std::atomic<int> g_terminal{-1}; // -1: ask isatty
std::mutex g_mutex;
const auto g_start = std::chrono::steady_clock::now();

// logrus quotes a value unless every byte is in [A-Za-z0-9-._/@^+].
bool needs_quoting(std::string_view s) {
  if (s.empty()) return true;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '/' ||
              c == '@' || c == '^' || c == '+';
    if (!ok) return true;
  }
  return false;
}

std::string value(std::string_view s) { return needs_quoting(s) ? go_quote(s) : std::string(s); }

const char* level_name(Level l) {
  switch (l) {
  case Level::debug: return "debug";
  case Level::info: return "info";
  case Level::warning: return "warning";
  case Level::error: return "error";
  case Level::fatal: return "fatal";
  }
  return "info";
}

const char* level_tag(Level l) {
  switch (l) {
  case Level::debug: return "DEBU";
  case Level::info: return "INFO";
  case Level::warning: return "WARN";
  case Level::error: return "ERRO";
  case Level::fatal: return "FATA";
  }
  return "INFO";
}

int level_color(Level l) {
  switch (l) {
  case Level::debug: return 37;
  case Level::info: return 36;
  case Level::warning: return 33;
  case Level::error:
  case Level::fatal: return 31;
  }
  return 36;
}

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool terminal() {
  int t = g_terminal.load();
  return t < 0 ? ::isatty(STDERR_FILENO) == 1 : t == 1;
}

} // namespace

void set_debug(bool on) { g_debug = on; }
bool debug_enabled() { return g_debug; }
void set_terminal(bool on) { g_terminal = on ? 1 : 0; }

std::string format_line(Level level, std::string_view msg, const Fields& fields, bool term,
                        std::string_view timestamp) {
  std::string out;
  if (term) {
    // logrus TextFormatter on a terminal: coloured level, seconds since start, the message
    // padded to 44 columns, coloured keys.
    int color = level_color(level);
    if (!msg.empty() && msg.back() == '\n') msg.remove_suffix(1);
    out = fmt::format("\x1b[{}m{}\x1b[0m[{}] {:<44} ", color, level_tag(level), timestamp, msg);
    for (const auto& [k, v] : fields) out += fmt::format(" \x1b[{}m{}\x1b[0m={}", color, k, value(v));
  } else {
    out = fmt::format("time=\"{}\" level={} msg={}", timestamp, level_name(level), value(msg));
    for (const auto& [k, v] : fields) out += fmt::format(" {}={}", k, value(v));
  }
  return out + "\n";
}

void write(Level level, std::string_view msg, Fields fields) {
  std::sort(fields.begin(), fields.end());
  bool term = terminal();
  std::string ts;
  if (term) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - g_start).count();
    ts = fmt::format("{:04d}", secs);
  } else {
    ts = now_rfc3339();
  }
  std::string line = format_line(level, msg, fields, term, ts);
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

} // namespace hoist::log
