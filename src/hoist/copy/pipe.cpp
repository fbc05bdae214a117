#include "hoist/copy/pipe.hpp"

#include <algorithm>
#include <cstring>

namespace hoist::copy {

void Pipe::write(std::span<const std::byte> data) {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] { return m_abandoned || m_chunks.size() < k_capacity; });
  if (m_abandoned || data.empty()) return;
  m_chunks.emplace_back(reinterpret_cast<const char*>(data.data()), data.size());
  m_cv.notify_all();
}

void Pipe::close(std::optional<Error> error) {
  std::lock_guard lock(m_mutex);
  if (m_closed) return;
  m_closed = true;
  m_error = std::move(error);
  m_cv.notify_all();
}

void Pipe::abandon() {
  std::lock_guard lock(m_mutex);
  m_abandoned = true;
  m_chunks.clear();
  m_cv.notify_all();
}

Result<size_t> Pipe::read(std::span<std::byte> buf) {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [&] { return !m_chunks.empty() || m_closed; });
  if (m_chunks.empty()) {
    if (m_error) return fail(*m_error);
    return 0;
  }
  const std::string& front = m_chunks.front();
  size_t n = std::min(buf.size(), front.size() - m_offset);
  std::memcpy(buf.data(), front.data() + m_offset, n);
  m_offset += n;
  if (m_offset == front.size()) {
    m_chunks.pop_front();
    m_offset = 0;
    m_cv.notify_all();
  }
  return n;
}

} // namespace hoist::copy
