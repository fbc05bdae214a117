// LineProgress and NullProgress; the terminal bars are in progress_bars.cpp.
#include "hoist/copy/progress.hpp"

#include <mutex>
#include <unistd.h>

#include <fmt/format.h>

namespace hoist::copy {

namespace {

class NullBlob final : public BlobProgress {
public:
  void add_bytes(uint64_t) override {}
  void finish(bool) override {}
};

class NullProgress final : public Progress {
public:
  void line(std::string_view) override {}
  std::unique_ptr<BlobProgress> start_blob(std::string_view, const Digest&, int64_t) override {
    return std::make_unique<NullBlob>();
  }
};

class LineProgress final : public Progress {
public:
  explicit LineProgress(std::FILE* out) : m_out(out) {}

  void line(std::string_view text) override {
    std::lock_guard lock(m_mutex);
    fmt::print(m_out, "{}\n", text);
    std::fflush(m_out);
  }

  std::unique_ptr<BlobProgress> start_blob(std::string_view kind, const Digest& digest, int64_t) override {
    line(fmt::format("Copying {} {}", kind, digest.str()));
    return std::make_unique<NullBlob>();
  }

private:
  std::FILE* m_out;
  std::mutex m_mutex;
};

} // namespace

std::unique_ptr<Progress> make_null_progress() { return std::make_unique<NullProgress>(); }
std::unique_ptr<Progress> make_line_progress(std::FILE* out) { return std::make_unique<LineProgress>(out); }

std::unique_ptr<Progress> make_progress(std::FILE* out, bool quiet) {
  if (quiet) return make_null_progress();
  if (::isatty(::fileno(out))) return make_bar_progress(out);
  return make_line_progress(out);
}

} // namespace hoist::copy
