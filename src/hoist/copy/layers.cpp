// The per-layer pipeline (c/image copy/single.go copyLayer, blob.go, compression.go):
//   get_blob → verify digest → count progress → detect compression by magic
//   → [tee to the DiffID thread] → [compress | decompress | recompress] → put_blob.
// Every blob is read once and verified on the fly; nothing is buffered whole.
#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "hoist/compress/compression.hpp"
#include "hoist/copy/engine.hpp"
#include "hoist/copy/pipe.hpp"

namespace hoist::copy::detail {

namespace {

namespace mt = manifest::mt;
using compress::Algorithm;
using manifest::Compression;
using manifest::CompressionOp;

std::optional<Compression> from_detected(Algorithm a) {
  switch (a) {
  case Algorithm::gzip: return Compression::gzip;
  case Algorithm::zstd: return Compression::zstd;
  case Algorithm::bzip2: return Compression::bzip2;
  case Algorithm::xz: return Compression::xz;
  case Algorithm::none: return std::nullopt;
  }
  return std::nullopt;
}

Algorithm to_codec(Compression c) {
  switch (c) {
  case Compression::gzip: return Algorithm::gzip;
  case Compression::zstd:
  case Compression::zstd_chunked: return Algorithm::zstd;
  case Compression::bzip2: return Algorithm::bzip2;
  case Compression::xz: return Algorithm::xz;
  }
  return Algorithm::none;
}

// Feeds the bytes read through it into a BlobProgress. `reported` is shared by every
// attempt of one layer, so a restarted upload does not count the same bytes twice.
using Deadline = std::optional<std::chrono::steady_clock::time_point>;

bool expired(const Deadline& deadline) { return deadline && std::chrono::steady_clock::now() >= *deadline; }

Error deadline_exceeded() { return Error(ErrorKind::timeout, "context deadline exceeded"); }

class CountingReader final : public Reader {
public:
  CountingReader(Reader& inner, BlobProgress& bar, int64_t& reported, Deadline deadline)
      : m_inner(inner), m_bar(bar), m_reported(reported), m_deadline(deadline) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    if (expired(m_deadline)) return fail(deadline_exceeded());
    TRY_ASSIGN(size_t n, m_inner.read(buf));
    m_pos += static_cast<int64_t>(n);
    if (m_pos > m_reported) {
      m_bar.add_bytes(static_cast<uint64_t>(m_pos - m_reported));
      m_reported = m_pos;
    }
    return n;
  }

private:
  Reader& m_inner;
  BlobProgress& m_bar;
  int64_t& m_reported;
  Deadline m_deadline;
  int64_t m_pos = 0;
};

// c/image's errorAnnotationReader: read errors reach the destination as
// "happened during read: …", so they can be told from the destination's own.
class AnnotatingReader final : public Reader {
public:
  explicit AnnotatingReader(Reader& inner) : m_inner(inner) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    auto r = m_inner.read(buf);
    if (!r) return fail(r.error().wrap("happened during read"));
    return r;
  }

private:
  Reader& m_inner;
};

// Computes a DiffID on its own thread from the (compressed) bytes teed to it.
class DiffIdWorker {
public:
  explicit DiffIdWorker(Algorithm alg) : m_thread([this, alg] { run(alg); }) {}
  ~DiffIdWorker() {
    m_pipe.close(Error(ErrorKind::cancelled, "layer copy aborted"));
    if (m_thread.joinable()) m_thread.join();
  }
  Pipe& pipe() { return m_pipe; }
  Result<Digest> finish() {
    m_pipe.close();
    m_thread.join();
    return m_result;
  }

private:
  void run(Algorithm alg) {
    m_result = compute(alg);
    m_pipe.abandon();
  }
  Result<Digest> compute(Algorithm alg) {
    TRY_ASSIGN(auto plain, compress::decompressor(m_pipe.reader(), alg));
    Hasher h;
    std::vector<std::byte> buf(k_stream_buffer);
    for (;;) {
      TRY_ASSIGN(size_t n, plain->read(buf));
      if (n == 0) return h.finish();
      h.update(std::span<const std::byte>(buf.data(), n));
    }
  }
  Pipe m_pipe;
  Result<Digest> m_result = fail(ErrorKind::internal, "DiffID not computed");
  std::thread m_thread;
};

// Passes bytes on and copies them into a pipe.
class TeeReader final : public Reader {
public:
  TeeReader(Reader& inner, Pipe& pipe) : m_inner(inner), m_pipe(pipe) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    auto r = m_inner.read(buf);
    if (!r) {
      m_pipe.close(r.error());
      return r;
    }
    if (*r == 0) m_pipe.close();
    else m_pipe.write(std::span<const std::byte>(buf.data(), *r));
    return r;
  }

private:
  Reader& m_inner;
  Pipe& m_pipe;
};

// Checks the uncompressed bytes of a layer against the config's diff_id as they stream:
// the read that reaches the end fails on a mismatch, so the destination discards the blob.
class DiffIdVerifier final : public Reader {
public:
  DiffIdVerifier(Reader& inner, const Digest& layer, Digest expected)
      : m_inner(inner), m_layer(layer), m_expected(std::move(expected)), m_hasher(m_expected.algorithm()) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    TRY_ASSIGN(size_t n, m_inner.read(buf));
    if (n > 0) {
      m_hasher.update(std::span<const std::byte>(buf.data(), n));
      return n;
    }
    if (m_checked) return n;
    m_checked = true;
    Digest got = m_hasher.finish();
    if (got != m_expected)
      return fail(ErrorKind::digest_mismatch,
                  fmt::format("layer {}: uncompressed content has digest {}, but the image config lists diff_id {}",
                              m_layer.str(), got.str(), m_expected.str()));
    return n;
  }

private:
  Reader& m_inner;
  const Digest& m_layer;
  Digest m_expected;
  Hasher m_hasher;
  bool m_checked = false;
};

Status drain(Reader& r) {
  std::vector<std::byte> buf(64 * 1024);
  for (;;) {
    TRY_ASSIGN(size_t n, r.read(buf));
    if (n == 0) return {};
  }
}

// What the compression step does with one layer (bpcOperation) and what the manifest
// edit records (uploadedOperation / uploadedAlgorithm).
struct CompressionStep {
  enum class Action { preserve, compress, decompress, recompress } action = Action::preserve;
  CompressionOp op = CompressionOp::preserve;
  std::optional<Compression> algorithm;
};

CompressionStep plan_compression(const LayerContext& ctx, const manifest::Descriptor& layer, Algorithm detected) {
  using A = CompressionStep::Action;
  const auto& opts = ctx.c.opts;
  auto desired = ctx.c.dest.desired_layer_compression();
  bool change_ok = manifest::can_change_layer_compression(ctx.src_manifest_mime, layer.media_type);
  bool compressed = detected != Algorithm::none;
  if (ctx.can_modify && change_ok) {
    if (desired == transport::LayerCompression::compress && !compressed)
      return {A::compress, CompressionOp::compress, opts.compression.value_or(Compression::gzip)};
    if (desired == transport::LayerCompression::compress && compressed && opts.compression) {
      auto det = from_detected(detected);
      auto name = manifest::compression_name(*opts.compression);
      if (name != manifest::compression_name(*det) && name != manifest::compression_base_name(*det))
        return {A::recompress, CompressionOp::preserve, opts.compression};
    }
    if (desired == transport::LayerCompression::decompress && compressed)
      return {A::decompress, CompressionOp::decompress, std::nullopt};
  }
  if (!change_ok) return {A::preserve, CompressionOp::preserve, std::nullopt};
  if (compressed) return {A::preserve, CompressionOp::preserve, from_detected(detected)};
  return {A::preserve, CompressionOp::decompress, std::nullopt};
}

// Builds the transform readers; `chain` owns them, the last one is the output.
struct TransformInput {
  Algorithm detected;
  const Digest& layer;
  std::optional<Digest> diff_id; // verified on the uncompressed bytes when the step sees them
};

Status build_transform(const CompressionStep& step, Reader& input, const TransformInput& want, const CopyOptions& opts,
                       int threads, std::vector<ReaderPtr>& chain) {
  using A = CompressionStep::Action;
  Algorithm detected = want.detected;
  if (step.action == A::decompress || step.action == A::recompress) {
    TRY_ASSIGN(auto dec, compress::decompressor(input, detected));
    chain.push_back(std::move(dec));
  }
  bool sees_plain = step.action == A::compress || !chain.empty();
  if (sees_plain && want.diff_id) {
    Reader& plain = chain.empty() ? input : *chain.back();
    chain.push_back(std::make_unique<DiffIdVerifier>(plain, want.layer, *want.diff_id));
  }
  if (step.action == A::compress || step.action == A::recompress) {
    Reader& in = chain.empty() ? input : *chain.back();
    auto comp = compress::compressor(in, to_codec(*step.algorithm), opts.compression_level, threads);
    // c/image builds the compressor inside the pipe: its errors reach the upload as read errors.
    if (!comp) return fail(comp.error().wrap("happened during read").wrap("writing blob"));
    chain.push_back(std::move(*comp));
  }
  return {};
}

transport::BlobInfo blob_info(const manifest::Descriptor& d) {
  transport::BlobInfo info;
  info.digest = d.digest;
  info.size = d.size;
  info.media_type = d.media_type;
  info.urls = d.urls;
  return info;
}

// Where the source keeps the blob ("host/repo" of a docker source), so that a docker
// destination on the same registry can mount it instead of uploading it again.
transport::BlobInfo reuse_info(const manifest::Descriptor& d, const transport::ImageSource& src) {
  transport::BlobInfo info = blob_info(d);
  std::string name = src.docker_reference_name();
  auto slash = name.find('/');
  if (slash != std::string::npos) {
    info.source_registry = name.substr(0, slash);
    info.source_repository = name.substr(slash + 1);
  }
  return info;
}

// One attempt's reader chain, from the source blob to the bytes the destination gets:
// get_blob → verify → count → peek → [tee to the DiffID worker] → [transform] → annotate.
// Members hold references to the ones before them, so the object never moves.
class LayerStream final : public Reader {
public:
  static Result<std::unique_ptr<LayerStream>> open(const LayerContext& ctx, const manifest::Descriptor& layer,
                                                   size_t index, BlobProgress& bar, int64_t& reported) {
    auto got = ctx.c.src.get_blob(blob_info(layer));
    if (!got) return fail(got.error().wrap(fmt::format("reading blob {}", layer.digest.str())));
    std::unique_ptr<LayerStream> s(new LayerStream(std::move(*got), layer, index, bar, reported, ctx.c.opts.deadline));
    TRY(s->assemble(ctx, layer));
    return s;
  }
  Result<size_t> read(std::span<std::byte> buf) override { return m_annotated->read(buf); }

  const CompressionStep& step() const { return m_step; }
  bool transformed() const { return !m_chain.empty(); }
  int64_t source_size() const { return m_source.size; }
  // Reads what the destination left unread (it may stop at the end of a compressed
  // stream), so the digest is verified over every byte and the DiffID sees them too.
  Status drain_input() { return drain(*m_input); }
  std::optional<Result<Digest>> finish_diff_id() {
    if (!m_diff) return std::nullopt;
    return m_diff->finish();
  }

private:
  LayerStream(transport::BlobStream source, const manifest::Descriptor& layer, size_t index, BlobProgress& bar,
              int64_t& reported, Deadline deadline)
      : m_index(index), m_source(std::move(source)), m_verify(*m_source.reader, layer.digest, m_source.size),
        m_counted(m_verify, bar, reported, deadline), m_peek(m_counted) {}

  Status assemble(const LayerContext& ctx, const manifest::Descriptor& layer) {
    auto prefix = m_peek.peek(compress::k_magic_size);
    if (!prefix) return fail(prefix.error().wrap(fmt::format("reading blob {}", layer.digest.str())));
    Algorithm detected = compress::detect(*prefix);
    m_input = &m_peek;
    if (ctx.diff_ids_needed) {
      m_diff.emplace(detected);
      m_input = &m_tee.emplace(m_peek, m_diff->pipe());
    }
    m_step = plan_compression(ctx, layer, detected);
    TransformInput in{detected, layer.digest, std::nullopt};
    if (m_index < ctx.config_diff_ids.size()) in.diff_id = ctx.config_diff_ids[m_index];
    TRY(build_transform(m_step, *m_input, in, ctx.c.opts, ctx.compress_threads, m_chain));
    m_annotated.emplace(m_chain.empty() ? *m_input : *m_chain.back());
    return {};
  }

  size_t m_index;
  transport::BlobStream m_source;
  VerifyingReader m_verify;
  CountingReader m_counted;
  compress::PeekReader m_peek;
  std::optional<DiffIdWorker> m_diff;
  std::optional<TeeReader> m_tee;
  Reader* m_input = nullptr;
  CompressionStep m_step;
  std::vector<ReaderPtr> m_chain;
  std::optional<AnnotatingReader> m_annotated;
};

// Streams one layer to the destination. The first attempt's chain is opened here (its
// compression step decides what the destination is told); a destination that restarts a
// failed upload (docker://: 503 on PATCH, a reset) gets a freshly opened chain each time.
Result<CopiedLayer> stream_layer(const LayerContext& ctx, const manifest::Descriptor& layer, size_t index,
                                 BlobProgress& bar) {
  Copier& c = ctx.c;
  int64_t reported = 0;
  TRY_ASSIGN(std::unique_ptr<LayerStream> current, LayerStream::open(ctx, layer, index, bar, reported));
  transport::BlobInfo put_info = blob_info(layer);
  put_info.size = current->source_size();
  put_info.urls.clear();
  if (current->transformed()) {
    put_info.digest.reset();
    put_info.size = -1;
  }
  bool first = true;
  auto reopen = [&]() -> Result<ReaderPtr> {
    if (!first) {
      current.reset();
      TRY_ASSIGN(current, LayerStream::open(ctx, layer, index, bar, reported));
    }
    first = false;
    return ReaderPtr(std::make_unique<BorrowedReader>(*current));
  };
  auto put = c.dest.put_blob_reopenable(reopen, put_info, false);
  if (!put) return fail(put.error().wrap("writing blob"));
  if (auto d = current->drain_input(); !d)
    return fail(d.error().wrap(fmt::format("reading input blob {}", layer.digest.str())));
  CopiedLayer out;
  if (auto id = current->finish_diff_id()) {
    if (!*id) return fail(id->error().wrap("computing layer DiffID"));
    out.diff_id = **id;
  }
  if (put_info.digest && put->digest != put_info.digest)
    return fail(ErrorKind::internal, fmt::format("Internal error writing blob {}, blob with digest {} saved with digest {}",
                                                 layer.digest.str(), put_info.digest->str(), put->digest->str()));
  const CompressionStep& step = current->step();
  out.update = manifest::LayerUpdate{*put->digest, put->size, {}, layer.annotations, step.op, step.algorithm};
  return out;
}

bool is_foreign_skip(const LayerContext& ctx, const manifest::Descriptor& layer) {
  return ctx.c.dest.accepts_foreign_layer_urls() && !layer.urls.empty();
}

// The layer's progress bar ("Copying blob …"); none for a foreign layer left out.
std::unique_ptr<BlobProgress> claim_layer(const LayerContext& ctx, const manifest::Descriptor& layer) {
  if (is_foreign_skip(ctx, layer)) return nullptr;
  return ctx.c.progress.start_blob("blob", layer.digest, layer.size);
}

Result<CopiedLayer> copy_layer(const LayerContext& ctx, const manifest::Descriptor& layer, size_t index,
                               std::unique_ptr<BlobProgress> bar) {
  Copier& c = ctx.c;
  if (is_foreign_skip(ctx, layer)) {
    if (ctx.diff_ids_needed) return fail(ErrorKind::unsupported, "getting DiffID for foreign layers is unimplemented");
    return CopiedLayer{manifest::LayerUpdate{layer.digest, layer.size, layer.urls, layer.annotations,
                                             CompressionOp::preserve, std::nullopt},
                       std::nullopt};
  }
  CompressionOp src_op;
  std::optional<Compression> src_algo;
  compression_from_media_type(layer.media_type, src_op, src_algo);
  if (!ctx.diff_ids_needed) {
    bool may_reuse = !(ctx.require_compression_match && c.opts.compression && src_algo != c.opts.compression);
    if (may_reuse) {
      auto reused = c.dest.try_reuse_blob(reuse_info(layer, c.src));
      if (!reused)
        return fail(reused.error().wrap(fmt::format("trying to reuse blob {} at destination", layer.digest.str())));
      if (*reused) {
        bar->finish(true);
        return CopiedLayer{manifest::LayerUpdate{layer.digest, layer.size, {}, layer.annotations, src_op, src_algo},
                           std::nullopt};
      }
    }
  }
  TRY_ASSIGN(auto out, stream_layer(ctx, layer, index, *bar));
  bar->finish(false);
  return out;
}

// Runs work(i, claim(i)) for i in 0..n-1 on up to `workers` threads. claim() runs in index
// order under a lock, so each layer's "Copying blob" line comes out in layer order as
// skopeo's do; no index is claimed after a failure.
template <class Claim, class Work> void parallel_for(size_t n, size_t workers, Claim claim, Work work) {
  std::mutex m;
  size_t next = 0;
  std::atomic<bool> failed{false};
  auto loop = [&] {
    for (;;) {
      size_t i = 0;
      std::optional<decltype(claim(i))> token;
      {
        std::lock_guard lock(m);
        if (failed || next >= n) return;
        i = next++;
        token.emplace(claim(i));
      }
      if (!work(i, std::move(*token))) failed = true;
    }
  };
  workers = std::min(workers, n);
  if (workers <= 1) return loop();
  std::vector<std::jthread> threads;
  for (size_t w = 0; w < workers; ++w) threads.emplace_back(loop);
}

} // namespace

void compression_from_media_type(std::string_view mime, CompressionOp& op, std::optional<Compression>& algo) {
  op = CompressionOp::preserve;
  algo.reset();
  if (mime == mt::docker_layer_gzip || mime == mt::oci_layer_gzip) algo = Compression::gzip;
  else if (mime == mt::oci_layer_zstd) algo = Compression::zstd;
  else if (mime == mt::docker_layer || mime == mt::oci_layer) op = CompressionOp::decompress;
}

Result<std::vector<CopiedLayer>> copy_layers(const LayerContext& ctx, const manifest::ImageManifest& m) {
  std::vector<std::optional<Result<CopiedLayer>>> results(m.layers.size());
  ctx.c.progress.begin_group();
  parallel_for(
      m.layers.size(), ctx.c.parallelism, [&](size_t i) { return claim_layer(ctx, m.layers[i]); },
      [&](size_t i, std::unique_ptr<BlobProgress> bar) {
        if (expired(ctx.c.opts.deadline)) results[i] = fail(deadline_exceeded().wrap("copying layer"));
        else results[i] = copy_layer(ctx, m.layers[i], i, std::move(bar));
        return results[i]->has_value();
      });
  ctx.c.progress.end_group();
  std::vector<CopiedLayer> out;
  for (auto& r : results) {
    if (!r) continue; // not started because another layer failed
    if (!*r) return fail(r->error());
    out.push_back(std::move(**r));
  }
  if (out.size() != m.layers.size()) return fail(ErrorKind::internal, "layer copy stopped early");
  return out;
}

Status copy_config(Copier& c, const manifest::Descriptor& config, const std::string& bytes) {
  c.progress.begin_group();
  auto bar = c.progress.start_blob("config", config.digest, static_cast<int64_t>(bytes.size()));
  MemoryReader reader(bytes);
  transport::BlobInfo info;
  info.digest = config.digest;
  info.size = static_cast<int64_t>(bytes.size());
  info.media_type = config.media_type;
  auto put = c.dest.put_blob(reader, info, true);
  if (put) {
    bar->add_bytes(bytes.size());
    bar->finish(false);
  }
  c.progress.end_group();
  if (!put) return fail(put.error().wrap("writing blob"));
  if (put->digest != config.digest)
    return fail(ErrorKind::internal, fmt::format("Internal error: copying uncompressed config blob {} changed digest to {}",
                                                 config.digest.str(), put->digest->str()));
  return {};
}

} // namespace hoist::copy::detail
