// Terminal progress: one bar per blob in the current group, redrawn in place by a
// render thread (skopeo uses mpb with width 40). Completed bars show
// "Copying blob <12 hex> done" or "… skipped: already exists", like skopeo's.
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "hoist/copy/progress.hpp"

namespace hoist::copy {

namespace {

using Clock = std::chrono::steady_clock;

std::string human_size(double bytes) {
  static const char* units[] = {"b", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  while (bytes >= 1024 && u + 1 < std::size(units)) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:.1f}{}", bytes, units[u]);
}

struct Bar {
  std::string prefix;
  int64_t total = -1;
  std::atomic<uint64_t> current{0};
  std::atomic<int> state{0}; // 0 running, 1 done, 2 skipped
  Clock::time_point started = Clock::now();
};

std::string bar_of(uint64_t cur, int64_t total, int width) {
  int filled = static_cast<int>(static_cast<double>(cur) / static_cast<double>(total) * width);
  filled = std::min(filled, width);
  return std::string(static_cast<size_t>(filled), '=') + (filled < width ? ">" : "") +
         std::string(static_cast<size_t>(std::max(0, width - filled - 1)), '-');
}

// One line that fits in `columns - 1` (a full-width line would wrap and break the
// redraw): the bar shrinks first, then the speed goes, then the bar.
std::string render(const Bar& b, int columns) {
  int state = b.state.load();
  if (state == 1) return b.prefix + " done";
  if (state == 2) return b.prefix + " skipped: already exists";
  uint64_t cur = b.current.load();
  double secs = std::chrono::duration<double>(Clock::now() - b.started).count();
  std::string speed = secs > 0 ? " | " + human_size(static_cast<double>(cur) / secs) + "/s" : "";
  std::string sizes = human_size(static_cast<double>(cur));
  if (b.total > 0) sizes += " / " + human_size(static_cast<double>(b.total));
  int room = columns - 1 - static_cast<int>(b.prefix.size() + 1 + sizes.size());
  if (room - static_cast<int>(speed.size()) < 3 + 10) speed.clear();
  room -= static_cast<int>(speed.size()) + 3; // " [" and "] "
  std::string line = b.total > 0 && room >= 10
                         ? fmt::format("{} [{}] {}{}", b.prefix, bar_of(cur, b.total, std::min(room, 38)), sizes, speed)
                         : fmt::format("{} {}{}", b.prefix, sizes, speed);
  if (columns > 1 && line.size() >= static_cast<size_t>(columns)) line.resize(static_cast<size_t>(columns - 1));
  return line;
}

int terminal_columns(std::FILE* out) {
  winsize ws{};
  if (::ioctl(::fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

class BarHandle final : public BlobProgress {
public:
  explicit BarHandle(std::shared_ptr<Bar> bar) : m_bar(std::move(bar)) {}
  void add_bytes(uint64_t n) override { m_bar->current += n; }
  void finish(bool skipped) override { m_bar->state = skipped ? 2 : 1; }

private:
  std::shared_ptr<Bar> m_bar;
};

class BarProgress final : public Progress {
public:
  explicit BarProgress(std::FILE* out) : m_out(out) {}
  ~BarProgress() override { end_group(); }

  void line(std::string_view text) override {
    std::lock_guard lock(m_mutex);
    fmt::print(m_out, "{}\n", text);
    std::fflush(m_out);
  }

  std::unique_ptr<BlobProgress> start_blob(std::string_view kind, const Digest& digest, int64_t size) override {
    // skopeo cuts the prefix to len("Copying blob ") + 12 characters.
    std::string prefix = fmt::format("Copying {} {}", kind, digest.hex()).substr(0, 25);
    auto bar = std::make_shared<Bar>();
    bar->prefix = std::move(prefix);
    bar->total = size;
    std::lock_guard lock(m_mutex);
    m_bars.push_back(bar);
    return std::make_unique<BarHandle>(bar);
  }

  void begin_group() override {
    end_group();
    m_stop = false;
    m_thread = std::thread([this] { run(); });
  }

  void end_group() override {
    if (!m_thread.joinable()) return;
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
    std::lock_guard lock(m_mutex);
    draw();
    m_bars.clear();
    m_drawn = 0;
  }

private:
  void run() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      draw();
      m_cv.wait_for(lock, std::chrono::milliseconds(150));
    }
  }

  // Called with m_mutex held: moves up over the previous frame and rewrites it.
  void draw() {
    std::string frame;
    if (m_drawn > 0) frame += fmt::format("\x1b[{}A", m_drawn);
    int columns = terminal_columns(m_out);
    for (const auto& b : m_bars) frame += "\x1b[2K" + render(*b, columns) + "\n";
    m_drawn = m_bars.size();
    fmt::print(m_out, "{}", frame);
    std::fflush(m_out);
  }

  std::FILE* m_out;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::thread m_thread;
  bool m_stop = false;
  std::vector<std::shared_ptr<Bar>> m_bars;
  size_t m_drawn = 0;
};

} // namespace

std::unique_ptr<Progress> make_bar_progress(std::FILE* out) { return std::make_unique<BarProgress>(out); }

} // namespace hoist::copy
