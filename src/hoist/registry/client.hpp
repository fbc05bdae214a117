// The distribution API client (skopeo-compat.md §6).
//
// A Client is one registry host with one TLS setting. Clients live for the whole process
// (Client::get returns the same one for the same host and settings), so the /v2/ ping,
// the auth challenges and the bearer tokens (cached per credentials and scope) are
// shared by every image a copy or sync touches. A Repository is a Client plus a
// repository path, the credentials for it and the actions it needs (pull / pull,push /
// *); all registry operations are Repository methods.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "hoist/auth/credentials.hpp"
#include "hoist/digest/digest.hpp"
#include "hoist/http/client.hpp"
#include "hoist/registry/challenge.hpp"
#include "hoist/registry/retry.hpp"
#include "hoist/registry/token.hpp"
#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::registry {

struct HostConfig {
  std::string registry;  // reference domain: "docker.io", "localhost:5000"
  http::TlsConfig tls;   // verify=false also allows the http:// fallback
  std::string user_agent;
};

// Per-operation settings that are not part of the host's identity.
struct Session {
  std::optional<auth::Credentials> creds; // nullopt: anonymous
  std::string registry_token;             // --registry-token: used verbatim as the bearer token
  RetryOptions retry;
  std::optional<http::Clock::time_point> deadline;
};

class Client {
public:
  // The process's client for these settings.
  static std::shared_ptr<Client> get(const HostConfig& config);
  explicit Client(HostConfig config);

  const HostConfig& config() const { return m_config; }
  // Host contacted: docker.io → registry-1.docker.io.
  const std::string& host() const { return m_host; }
  // GET /v2/ once (https, then http when TLS verification is off); errors are not cached.
  Status ping(const Session& session);
  // "https://host" after a successful ping.
  std::string base_url() const;
  bool supports_signatures() const;
  std::vector<Challenge> challenges() const;
  // A bearer token for the scopes (cached until it expires).
  Result<std::string> bearer_token(const Challenge& challenge, const Session& session,
                            const std::vector<Scope>& scopes);

private:
  struct TokenSlot;
  Result<Token> fetch_token(const Challenge& challenge, const Session& session,
                            const std::vector<Scope>& scopes);
  Status ping_scheme(const std::string& scheme, const Session& session);

  HostConfig m_config;
  std::string m_host;
  mutable std::mutex m_mutex;
  bool m_pinged = false;
  std::string m_scheme;
  std::vector<Challenge> m_challenges;
  bool m_supports_signatures = false;
  std::mutex m_token_mutex;
  std::vector<std::pair<std::string, std::shared_ptr<TokenSlot>>> m_tokens;
};

// Re-opens a request body from its start; called once per attempt.
using BodySource = std::function<Result<ReaderPtr>()>;

struct ManifestResult {
  std::string bytes;
  std::string content_type; // Content-Type without parameters ("" if absent/invalid)
  std::optional<Digest> docker_content_digest;
};

struct BlobResult {
  ReaderPtr reader; // resumes with Range: on interrupted reads
  int64_t size = -1;
};

struct UploadResult {
  Digest digest;
  int64_t size = 0;
};

class Repository : public std::enable_shared_from_this<Repository> {
public:
  // `name` is the reference's domain/path (for messages), `path` the repository path.
  Repository(std::shared_ptr<Client> client, std::string name, std::string path, std::string actions,
             Session session);

  Client& client() { return *m_client; }
  const std::string& name() const { return m_name; }
  const std::string& path() const { return m_path; }

  // GET /v2/<path>/manifests/<tag|digest> with the six Accept types, ≤ 4 MiB.
  Result<ManifestResult> get_manifest(const std::string& tag_or_digest);
  // HEAD; nullopt when the manifest does not exist (404).
  Result<std::optional<ManifestResult>> head_manifest(const std::string& tag_or_digest);
  // PUT; errors from MANIFEST_INVALID / TAG_INVALID are ErrorKind::unsupported ("type rejected").
  Status put_manifest(const std::string& tag_or_digest, const std::string& bytes, const std::string& mime);
  // DELETE /v2/<path>/manifests/<digest> (expects 202); `ref` names the image in errors.
  Status delete_manifest(const Digest& digest, const std::string& ref);

  // HEAD /v2/<path>/blobs/<digest>: size when present, nullopt when absent.
  Result<std::optional<int64_t>> blob_exists(const Digest& digest);
  // Same in another repository of this registry (extra pull scope), for mounts.
  Result<std::optional<int64_t>> blob_exists_in(const std::string& other_name, const std::string& other_path,
                                                const Digest& digest);
  // GET a blob (foreign `urls` first when given).
  Result<BlobResult> get_blob(const Digest& digest, const std::vector<std::string>& urls = {});
  // POST ?from=&mount=; an error when the registry did not mount it (202 is cancelled).
  Status mount_blob(const std::string& from_name, const std::string& from_path, const Digest& digest);
  // POST → PUT ?digest= with the streamed body when `digest` is known; POST → PATCH
  // (streamed) → PUT ?digest= when it is not (computed while sending). The whole upload is restarted on transient failures when `reopenable`
  // (each attempt calls `source` again for a fresh stream).
  Result<UploadResult> upload_blob(const BodySource& source, bool reopenable, int64_t size,
                                   const std::optional<Digest>& digest);

  // GET /v2/<path>/tags/list following Link: rel="next".
  Result<std::vector<std::string>> list_tags();

  // Low level: one request with auth, the retry policy and the insufficient_scope retry.
  struct Call {
    std::string method = "GET";
    std::string target; // "/v2/…" or an absolute URL
    http::Headers headers;
    std::optional<std::string> body_bytes;
    BodySource body; // streamed body; not restartable once read
    int64_t body_size = -1;
    bool auth = true;
    std::optional<Scope> extra_scope;
  };
  Result<http::StreamPtr> send(Call call);
  // send() and buffer the body (≤ limit).
  Result<http::Response> send_buffered(Call call, size_t limit = 4u << 20);

private:
  Result<http::Request> build(const Call& call, Reader* body);
  Result<std::optional<std::string>> authorization(const std::optional<Scope>& extra);
  Result<http::StreamPtr> send_once(const Call& call);
  Result<UploadResult> upload_once(const BodySource& source, int64_t size, const std::optional<Digest>& digest);
  Result<UploadResult> upload_chunked(const BodySource& source, const std::optional<Digest>& digest, size_t chunk);
  Result<UploadResult> finish_upload(const std::string& loc, const Digest& digest, int64_t size,
                                     BodySource body = nullptr);
  Result<std::string> start_upload(const std::optional<Scope>& extra);

  std::shared_ptr<Client> m_client;
  std::string m_name;
  std::string m_path;
  Scope m_scope;
  Session m_session;
  RequestRetryPolicy m_policy;
};

// login's check (c/image CheckAuth): GET /v2/ with the credentials; 401 →
// "unable to retrieve auth token: invalid username/password: …".
Status check_login(const HostConfig& config, const auth::Credentials& creds, const Session& session);

// The certs.d directory c/image uses for host[:port] when --cert-dir is not given:
// first existing of ~/.config/containers/certs.d, /etc/containers/certs.d, /etc/docker/certs.d.
std::string default_cert_dir(const std::string& host_port);

// Link: <url>; rel="next" → "path?query" of the next page, "" when none.
Result<std::string> next_page_path(const std::optional<std::string>& link);

// The six Accept headers of a manifest GET, preferred first.
const http::Headers& manifest_accept_headers();

// Buffers the rest of a stream into its response (for error mapping), bounded.
http::Response drain(http::Stream& stream, size_t limit = 1u << 20);

} // namespace hoist::registry
