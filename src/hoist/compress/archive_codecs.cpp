// bzip2 and xz decompression through libarchive's "raw" format: libarchive already links
// libbz2 and liblzma, so this needs no extra dependency. The archive pulls its input
// through a callback from our Reader, so the stream stays bounded.
#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <fmt/format.h>
#include <optional>

#include "hoist/compress/codecs.hpp"

namespace hoist::compress::detail {

namespace {

class ArchiveDecompressor final : public Reader {
public:
  explicit ArchiveDecompressor(Source src) : m_src(std::move(src)), m_in(k_stream_buffer), m_a(archive_read_new()) {}
  ~ArchiveDecompressor() override { archive_read_free(m_a); }
  ArchiveDecompressor(const ArchiveDecompressor&) = delete;
  ArchiveDecompressor& operator=(const ArchiveDecompressor&) = delete;

  // Must be called once the object has its final address (the callback keeps `this`).
  Status open(Algorithm alg) {
    bool bzip2 = alg == Algorithm::bzip2;
    if (bzip2) archive_read_support_filter_bzip2(m_a);
    else archive_read_support_filter_xz(m_a);
    archive_read_support_format_raw(m_a);
    if (archive_read_open(m_a, this, nullptr, &ArchiveDecompressor::read_cb, nullptr) != ARCHIVE_OK)
      return fail(error());
    archive_entry* entry = nullptr;
    int r = archive_read_next_header(m_a, &entry);
    if (r == ARCHIVE_EOF) m_done = true;
    else if (r != ARCHIVE_OK) return fail(error());
    int want = bzip2 ? ARCHIVE_FILTER_BZIP2 : ARCHIVE_FILTER_XZ;
    if (archive_filter_code(m_a, 0) != want)
      return fail(ErrorKind::invalid_input, bzip2 ? "bzip2 data invalid: bad magic value" : "xz: invalid header magic bytes");
    return {};
  }

  Result<size_t> read(std::span<std::byte> buf) override {
    if (m_done || buf.empty()) return 0;
    la_ssize_t n = archive_read_data(m_a, buf.data(), buf.size());
    if (n < 0) return fail(error());
    if (n == 0) m_done = true;
    return static_cast<size_t>(n);
  }

private:
  static la_ssize_t read_cb(archive* a, void* self, const void** buffer) {
    auto* me = static_cast<ArchiveDecompressor*>(self);
    auto n = me->m_src.get().read(me->m_in);
    if (!n) {
      me->m_source_error = n.error();
      archive_set_error(a, EIO, "%s", n.error().what().c_str());
      return -1;
    }
    *buffer = me->m_in.data();
    return static_cast<la_ssize_t>(*n);
  }

  Error error() const {
    if (m_source_error) return *m_source_error;
    const char* text = archive_error_string(m_a);
    return Error(ErrorKind::invalid_input, text ? text : "decompression failed");
  }

  Source m_src;
  std::vector<std::byte> m_in;
  archive* m_a;
  std::optional<Error> m_source_error;
  bool m_done = false;
};

} // namespace

Result<ReaderPtr> archive_decompressor(Source src, Algorithm alg) {
  auto d = std::make_unique<ArchiveDecompressor>(std::move(src));
  TRY(d->open(alg));
  return d;
}

} // namespace hoist::compress::detail
