#include "hoist/sync/image_progress.hpp"

#include <fmt/format.h>

namespace hoist::sync {

namespace {

class CountingBlob final : public copy::BlobProgress {
public:
  CountingBlob(ImageProgress& owner, int64_t size) : m_owner(owner), m_size(size) {}
  void add_bytes(uint64_t n) override { m_bytes += n; }
  void finish(bool skipped) override {
    if (skipped) {
      m_owner.add_present(m_size > 0 ? static_cast<uint64_t>(m_size) : 0);
    } else {
      m_owner.add_transferred(m_bytes ? m_bytes : (m_size > 0 ? static_cast<uint64_t>(m_size) : 0));
    }
  }

private:
  ImageProgress& m_owner;
  int64_t m_size;
  uint64_t m_bytes = 0;
};

} // namespace

void ImageProgress::line(std::string_view text) {
  if (!m_out) return;
  if (m_direct) {
    std::lock_guard lock(m_out_mutex);
    fmt::print(m_out, "{}\n", text);
    std::fflush(m_out);
    return;
  }
  std::lock_guard lock(m_mutex);
  m_held.append(text);
  m_held.push_back('\n');
}

std::unique_ptr<copy::BlobProgress> ImageProgress::start_blob(std::string_view kind, const Digest& digest,
                                                              int64_t size) {
  line(fmt::format("Copying {} {}", kind, digest.str()));
  return std::make_unique<CountingBlob>(*this, size);
}

void ImageProgress::flush() {
  std::string held;
  {
    std::lock_guard lock(m_mutex);
    held.swap(m_held);
  }
  if (!m_out || held.empty()) return;
  std::lock_guard lock(m_out_mutex);
  std::fwrite(held.data(), 1, held.size(), m_out);
  std::fflush(m_out);
}

} // namespace hoist::sync
