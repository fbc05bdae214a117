// A bounded in-memory pipe between two threads (Go's io.Pipe with a small buffer). The
// copy uses it to compute a layer's DiffID on a second thread while the layer streams to
// the destination. Either end may stop early: the writer with close(error), the reader
// with abandon(), after which writes are dropped instead of blocking forever.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "hoist/util/io.hpp"

namespace hoist::copy {

class Pipe {
public:
  // Writer side: blocks while `capacity` chunks are queued.
  void write(std::span<const std::byte> data);
  // Writer side: no more data; with an error the reader fails with it.
  void close(std::optional<Error> error = {});
  // Reader side: stops consuming; later writes are discarded.
  void abandon();
  // Reader side as a Reader.
  Reader& reader() { return m_reader; }

private:
  class PipeReader final : public Reader {
  public:
    explicit PipeReader(Pipe& p) : m_pipe(p) {}
    Result<size_t> read(std::span<std::byte> buf) override { return m_pipe.read(buf); }

  private:
    Pipe& m_pipe;
  };
  Result<size_t> read(std::span<std::byte> buf);

  static constexpr size_t k_capacity = 4;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::string> m_chunks;
  size_t m_offset = 0; // into m_chunks.front()
  bool m_closed = false;
  bool m_abandoned = false;
  std::optional<Error> m_error;
  PipeReader m_reader{*this};
};

} // namespace hoist::copy
