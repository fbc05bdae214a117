// A blob body that survives dropped connections (c/image docker/body_reader.go): on a
// reset or premature EOF it re-requests the rest with `Range: bytes=N-` and continues
// when the registry answers 206 with the matching Content-Range. Reconnecting is allowed
// the first time, after ≥ 1 MiB of progress, or ≥ 60 s after the previous reconnect.
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "hoist/registry/blob_reader.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/registry/errors.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

constexpr int64_t k_minimum_progress = 1 << 20;
constexpr auto k_min_since_last_retry = std::chrono::seconds(60);

Result<int64_t> parse_decimal(const std::string& s, size_t& pos) {
  size_t start = pos;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  if (pos == start) return fail(ErrorKind::invalid_input, "missing decimal number");
  return static_cast<int64_t>(std::stoll(s.substr(start, pos - start)));
}

} // namespace

// parseContentRange: "bytes FIRST-LAST/(COMPLETE|*)".
Result<ContentRange> parse_content_range(const std::vector<std::string>& values) {
  if (values.empty()) return fail(ErrorKind::invalid_input, "missing Content-Range: header");
  if (values.size() > 1)
    return fail(ErrorKind::invalid_input, fmt::format("ambiguous Content-Range:, {} header values", values.size()));
  const std::string& h = values[0];
  auto bad = [&](std::string why) { return fail(ErrorKind::invalid_input, fmt::format("invalid Content-Range: {}{}", go_quote(h), why)); };
  if (!starts_with(h, "bytes ")) return bad(", missing prefix \"bytes \"");
  size_t pos = 6;
  ContentRange r;
  auto first = parse_decimal(h, pos);
  if (!first) return bad(", parsing first-pos: " + first.error().what());
  if (pos >= h.size() || h[pos] != '-') return bad(": missing expected '-'");
  ++pos;
  auto last = parse_decimal(h, pos);
  if (!last) return bad(", parsing last-pos: " + last.error().what());
  if (pos >= h.size() || h[pos] != '/') return bad(": missing expected '/'");
  ++pos;
  r.first = *first;
  r.last = *last;
  if (pos < h.size() && h[pos] == '*') {
    ++pos;
  } else {
    auto complete = parse_decimal(h, pos);
    if (!complete) return bad(", parsing complete-length: " + complete.error().what());
    r.complete = *complete;
  }
  if (pos < h.size()) return bad(", unexpected trailing content");
  return r;
}

namespace {

class ResumingReader final : public Reader {
public:
  ResumingReader(std::shared_ptr<Repository> repo, std::string path, http::StreamPtr first)
      : m_repo(std::move(repo)), m_path(std::move(path)), m_body(std::move(first)) {}

  Result<size_t> read(std::span<std::byte> buf) override {
    if (!m_body) return fail(ErrorKind::internal, "internal error: bodyReader.Read called on a closed object");
    auto r = m_body->read(buf);
    if (r) {
      m_offset += static_cast<int64_t>(*r);
      return r;
    }
    if (!http::is_transient_error(r.error()) || !may_reconnect()) return r;
    log::info(fmt::format("Reading blob body failed ({}), reconnecting…", r.error().what()));
    TRY(reconnect(r.error()));
    return read(buf);
  }

private:
  bool may_reconnect() const {
    auto now = std::chrono::steady_clock::now();
    if (!m_last_retry) return true;
    if (m_offset - m_last_retry_offset >= k_minimum_progress) return true;
    return now - *m_last_retry >= k_min_since_last_retry;
  }

  Status reconnect(const Error& original) {
    m_body.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    Repository::Call call;
    call.target = m_path;
    call.headers.push_back({"Range", fmt::format("bytes={}-", m_offset)});
    auto stream = m_repo->send(call);
    if (!stream) return fail(ErrorKind::network, fmt::format("{} (while reconnecting: {})", original.what(), stream.error().what()));
    const auto& resp = (*stream)->response();
    if (resp.status == 200)
      return fail(ErrorKind::network, fmt::format("{} (after reconnecting, server did not process a Range: header, status 200)", original.what()));
    if (resp.status != 206)
      return fail(ErrorKind::network, fmt::format("{} (after reconnecting, fetching blob: {})", original.what(),
                                                  response_to_error(drain(**stream)).what()));
    auto range = parse_content_range(resp.header_values("Content-Range"));
    if (!range)
      return fail(ErrorKind::network, fmt::format("{} (after reconnecting, invalid Content-Range header: {})", original.what(), range.error().what()));
    if (range->first != m_offset || (range->complete != -1 && range->last + 1 != range->complete))
      return fail(ErrorKind::network,
                  fmt::format("{} (after reconnecting at offset {}, got unexpected Content-Range {}-{}/{})", original.what(),
                              m_offset, range->first, range->last, range->complete));
    log::debug("Successfully reconnected");
    m_body = std::move(*stream);
    m_last_retry_offset = m_offset;
    m_last_retry = std::chrono::steady_clock::now();
    return {};
  }

  std::shared_ptr<Repository> m_repo;
  std::string m_path;
  http::StreamPtr m_body;
  int64_t m_offset = 0;
  int64_t m_last_retry_offset = -1;
  std::optional<std::chrono::steady_clock::time_point> m_last_retry;
};

} // namespace

ReaderPtr make_resuming_reader(std::shared_ptr<Repository> repo, std::string path, http::StreamPtr first) {
  return std::make_unique<ResumingReader>(std::move(repo), std::move(path), std::move(first));
}

} // namespace hoist::registry
