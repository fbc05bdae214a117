// Copy progress for one image of a parallel sync. With one job the lines go straight
// to stdout as skopeo prints them; with several, each image's lines are held and written
// as one block when the image is done, so concurrent copies never interleave. Either
// way the bytes sent and the bytes the destination already had are counted.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

#include "hoist/copy/progress.hpp"

namespace hoist::sync {

class ImageProgress final : public copy::Progress {
public:
  // `out` nullptr: print nothing. `direct`: no buffering.
  ImageProgress(std::FILE* out, bool direct, std::mutex& out_mutex)
      : m_out(out), m_direct(direct), m_out_mutex(out_mutex) {}
  void line(std::string_view text) override;
  std::unique_ptr<copy::BlobProgress> start_blob(std::string_view kind, const Digest& digest, int64_t size) override;
  // Writes the held lines (buffered mode).
  void flush();

  uint64_t transferred() const { return m_transferred; }
  uint64_t present() const { return m_present; }
  void add_transferred(uint64_t n) { m_transferred += n; }
  void add_present(uint64_t n) { m_present += n; }

private:
  std::FILE* m_out;
  bool m_direct;
  std::mutex& m_out_mutex;
  std::mutex m_mutex;
  std::string m_held;
  std::atomic<uint64_t> m_transferred{0}, m_present{0};
};

} // namespace hoist::sync
