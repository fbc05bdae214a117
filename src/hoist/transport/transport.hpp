// The seam between the copy engine and the places images live. Every transport
// (docker://, dir:, oci:, oci-archive:, docker-archive:) implements an ImageSource and an
// ImageDestination; the copy engine knows nothing else about them. Modelled on
// containers/image's types.ImageSource / types.ImageDestination so that behaviour
// (what is reused, what is converted, what is thread-safe) follows skopeo's.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hoist/digest/digest.hpp"
#include "hoist/reference/docker.hpp"
#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::transport {

struct BlobInfo {
  std::optional<Digest> digest; // absent: the destination computes it while writing
  int64_t size = -1;            // -1: unknown
  std::string media_type;
  std::vector<std::string> urls;
  // Where the copy's source keeps this blob, when it is a registry (docker:// sources):
  // the reference domain ("localhost:5000") and repository path ("ns/app"). A docker
  // destination on the same registry tries a cross-repository mount from there.
  std::string source_registry;
  std::string source_repository;
  // source_repository is known to hold the blob (a sync saw it uploaded or mounted there):
  // the destination mounts it without checking first.
  bool known_at_source = false;
};

struct ManifestBytes {
  std::string bytes;
  std::string mime; // normalized media type
};

struct BlobStream {
  ReaderPtr reader;
  int64_t size = -1;
};

// Options that reach transports; filled from the CLI's src-/dest- flag groups.
struct Context {
  // Registry access (docker://).
  std::optional<std::string> authfile;
  std::optional<std::string> username, password; // --creds / --username+--password
  std::optional<std::string> registry_token;
  bool no_creds = false;
  std::optional<std::string> cert_dir;
  std::optional<bool> tls_verify; // nullopt: registries.conf / default (verify)
  std::string user_agent = "hoist";
  int retry_times = 0;
  std::chrono::milliseconds retry_delay{0};
  std::chrono::milliseconds command_timeout{0};
  // Local layouts.
  std::optional<std::string> shared_blob_dir; // oci: --shared-blob-dir
  std::string tmpdir;                         // --tmpdir ("" = /var/tmp)
  // Destination layer handling (copy --dest-*).
  bool dir_force_compress = false;            // --dest-compress
  bool dir_force_decompress = false;          // --dest-decompress
  bool oci_accept_uncompressed_layers = false;
  std::vector<std::string> additional_tags;   // docker-archive:
};

enum class LayerCompression { preserve, compress, decompress };

class ImageSource {
public:
  virtual ~ImageSource() = default;
  // "dir:/path", "docker://host/repo:tag": how errors name this image.
  virtual std::string description() const = 0;
  // The top-level manifest when `instance` is empty, else that instance of a list.
  virtual Result<ManifestBytes> get_manifest(const std::optional<Digest>& instance) = 0;
  // A stream of the blob's bytes as stored; the caller verifies them.
  virtual Result<BlobStream> get_blob(const BlobInfo& info) = 0;
  // Raw signature blobs (§9 format) for the top-level manifest or an instance.
  virtual Result<std::vector<std::string>> get_signatures(const std::optional<Digest>& instance);
  // May get_blob() be called from several threads at once?
  virtual bool thread_safe_get_blob() const { return false; }
  // "host/repo" for docker-backed sources (inspect's Name); empty otherwise.
  virtual std::string docker_reference_name() const { return {}; }
};

class ImageDestination {
public:
  virtual ~ImageDestination() = default;
  virtual std::string description() const = 0;
  // Manifest types accepted, preferred first; empty means any.
  virtual std::vector<std::string> supported_manifest_types() const = 0;
  virtual bool supports_signatures() const { return false; }
  // Why signatures can't be stored, for "Can not copy signatures to …: <reason>".
  virtual std::string signatures_unsupported_reason() const { return "signatures not supported"; }
  virtual bool supports_lists() const { return true; }
  virtual LayerCompression desired_layer_compression() const { return LayerCompression::preserve; }
  virtual bool thread_safe_put_blob() const { return false; }
  // DockerReference() of the destination (docker://: its name, tagged "latest" when it has
  // no tag or digest); nullopt for local layouts. Schema1 output takes name/tag from it.
  virtual std::optional<reference::DockerName> docker_reference() const { return std::nullopt; }
  // May layers with foreign URLs be left out (referenced by URL instead of copied)?
  virtual bool accepts_foreign_layer_urls() const { return false; }
  // True when the destination already has the blob, so nothing needs to be sent.
  virtual Result<bool> try_reuse_blob(const BlobInfo& info) = 0;
  // Writes a blob from `stream`. When info.digest is set the caller guarantees the
  // stream fails at its end unless it matches; otherwise the destination hashes it.
  // Returns the stored blob's digest and size.
  virtual Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool is_config) = 0;
  // put_blob() where `reopen` yields a fresh stream from the start on every call, so a
  // destination may restart a failed upload (docker:// does). Default: one put_blob().
  virtual Result<BlobInfo> put_blob_reopenable(const std::function<Result<ReaderPtr>()>& reopen,
                                               const BlobInfo& info, bool is_config) {
    TRY_ASSIGN(ReaderPtr stream, reopen());
    return put_blob(*stream, info, is_config);
  }
  // The file holding a blob this destination stored (verified), for other images of a
  // sync to share; nullopt when blobs are not plain files (default).
  virtual std::optional<std::string> blob_file(const Digest&) const { return std::nullopt; }
  // Stores the blob from `file` (another destination's blob_file()) without the source;
  // false when that is not possible here (default) or the file is gone.
  virtual Result<bool> reuse_blob_file(const std::string& /*file*/, const BlobInfo& /*info*/) { return false; }
  // Stores a manifest: the top level when `instance` is empty, else a list instance.
  virtual Status put_manifest(const std::string& bytes, const std::string& mime,
                              const std::optional<Digest>& instance) = 0;
  virtual Status put_signatures(const std::vector<std::string>& signatures, const std::optional<Digest>& instance);
  // Makes the image visible. Nothing written before is visible as an image until then.
  virtual Status commit() = 0;
};

using SourcePtr = std::unique_ptr<ImageSource>;
using DestinationPtr = std::unique_ptr<ImageDestination>;

} // namespace hoist::transport
