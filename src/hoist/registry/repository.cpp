// Registry operations with c/image's requests and error texts (docker_client.go,
// docker_image_src.go, docker_image_dest.go, docker_image.go).
#include <algorithm>
#include <cctype>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hoist/http/url.hpp"
#include "hoist/manifest/manifest.hpp"
#include "hoist/reference/docker.hpp"
#include "hoist/registry/blob_reader.hpp"
#include "hoist/registry/client.hpp"
#include "hoist/registry/errors.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::registry {

namespace {

constexpr size_t k_max_manifest = 4u << 20;

} // namespace

const http::Headers& manifest_accept_headers() {
  static const http::Headers headers = [] {
    http::Headers h;
    for (auto t : {manifest::mt::oci_manifest, manifest::mt::docker_v2s2, manifest::mt::docker_v2s1_signed,
                   manifest::mt::docker_v2s1, manifest::mt::docker_list, manifest::mt::oci_index})
      h.push_back({"Accept", std::string(t)});
    return h;
  }();
  return headers;
}

namespace {

// mime.ParseMediaType's type part, "" when unparsable.
std::string simplify_content_type(const std::optional<std::string>& value) {
  if (!value || value->empty()) return {};
  std::string type = to_lower(trim(value->substr(0, value->find(';'))));
  if (type.find('/') == std::string::npos) return {};
  return type;
}

Result<int64_t> blob_size(const http::Response& resp) {
  auto v = resp.header("Content-Length");
  if (!v) return fail(ErrorKind::invalid_input, "Missing \"Content-Length\" header in response");
  if (v->empty() || v->find_first_not_of("0123456789") != std::string::npos)
    return fail(ErrorKind::invalid_input, fmt::format("strconv.ParseInt: parsing {}: invalid syntax", go_quote(*v)));
  return static_cast<int64_t>(std::stoll(*v));
}

bool success_status(int status) { return status >= 200 && status <= 399; }

Result<std::string> location(const http::Response& resp, std::string_view context) {
  auto loc = resp.header("Location");
  if (!loc) return fail(Error(ErrorKind::invalid_input, "http: no Location header in response").wrap(std::string(context)));
  return http::resolve_url(resp.url, *loc);
}

std::optional<Digest> content_digest(const http::Response& resp) {
  auto v = resp.header("Docker-Content-Digest");
  if (!v) return std::nullopt;
  auto d = Digest::parse(*v);
  return d ? std::optional<Digest>(*d) : std::nullopt;
}

// A Reader that hashes and counts what it hands on, for uploads of unknown digest.
class CountingReader final : public Reader {
public:
  CountingReader(ReaderPtr inner, bool hash) : m_inner(std::move(inner)), m_hash(hash) {}
  Result<size_t> read(std::span<std::byte> buf) override {
    TRY_ASSIGN(size_t n, m_inner->read(buf));
    if (m_hash) m_hasher.update(std::span<const std::byte>(buf.data(), n));
    m_count += n;
    return n;
  }
  int64_t count() const { return static_cast<int64_t>(m_count); }
  Digest digest() { return m_hasher.finish(); }

private:
  ReaderPtr m_inner;
  bool m_hash;
  Hasher m_hasher;
  uint64_t m_count = 0;
};

} // namespace

Result<ManifestResult> Repository::get_manifest(const std::string& ref) {
  Call call;
  call.target = fmt::format("/v2/{}/manifests/{}", m_path, ref);
  call.headers = manifest_accept_headers();
  // skopeo 1.9.3 (c/image 5.22) returns request and body-read errors unwrapped; only a
  // non-200 answer gets the "reading manifest" context.
  TRY_ASSIGN(auto stream, send(call));
  const auto& resp = stream->response();
  log::debug(fmt::format("Content-Type from manifest GET is {}", go_quote(resp.header("Content-Type").value_or(""))));
  if (resp.status != 200)
    return fail(response_to_error(drain(*stream)).wrap(fmt::format("reading manifest {} in {}", ref, m_name)));
  TRY_ASSIGN(auto body, read_all(*stream, k_max_manifest));
  return ManifestResult{std::move(body), simplify_content_type(resp.header("Content-Type")), content_digest(resp)};
}

Result<std::optional<ManifestResult>> Repository::head_manifest(const std::string& ref) {
  Call call;
  call.method = "HEAD";
  call.target = fmt::format("/v2/{}/manifests/{}", m_path, ref);
  call.headers = manifest_accept_headers();
  auto resp = send_buffered(call);
  if (!resp) return fail(resp.error().wrap(fmt::format("getting digest {} in {}", ref, m_name)));
  if (resp->status == 404) return std::optional<ManifestResult>();
  if (resp->status != 200)
    return fail(response_to_error(*resp).wrap(fmt::format("reading digest {} in {}", ref, m_name)));
  return std::optional<ManifestResult>(
      ManifestResult{"", simplify_content_type(resp->header("Content-Type")), content_digest(*resp)});
}

Status Repository::put_manifest(const std::string& ref, const std::string& bytes, const std::string& mime) {
  Call call;
  call.method = "PUT";
  call.target = fmt::format("/v2/{}/manifests/{}", m_path, ref);
  std::string type = mime.empty() ? manifest::guess_mime_type(bytes) : mime;
  if (!type.empty()) call.headers.push_back({"Content-Type", type});
  call.body_bytes = bytes;
  TRY_ASSIGN(auto resp, send_buffered(call, 1u << 20));
  if (!success_status(resp.status)) {
    Error raw = response_to_error(resp);
    Error err = raw.wrap(fmt::format("uploading manifest {} to {}", ref, m_name));
    if (is_manifest_type_rejection(raw)) err = err.with_kind(ErrorKind::unsupported);
    return fail(err);
  }
  if (!resp.header("Docker-Content-Digest"))
    log::debug("Manifest upload response didn't contain a Docker-Content-Digest header, it might not be a container "
               "registry");
  return {};
}

Status Repository::delete_manifest(const Digest& digest, const std::string& ref) {
  Call call;
  call.method = "DELETE";
  call.target = fmt::format("/v2/{}/manifests/{}", m_path, digest.str());
  call.headers = manifest_accept_headers();
  TRY_ASSIGN(auto resp, send_buffered(call, 1u << 20));
  if (resp.status != 202) return fail(response_to_error(resp).wrap(fmt::format("deleting {}", ref)));
  return {};
}

Result<std::optional<int64_t>> Repository::blob_exists(const Digest& digest) {
  return blob_exists_in(m_name, m_path, digest);
}

Result<std::optional<int64_t>> Repository::blob_exists_in(const std::string& other_name,
                                                          const std::string& other_path, const Digest& digest) {
  Call call;
  call.method = "HEAD";
  call.target = fmt::format("/v2/{}/blobs/{}", other_path, digest.str());
  if (other_path != m_path) call.extra_scope = Scope{"repository", other_path, "pull"};
  log::debug(fmt::format("Checking {}", call.target));
  TRY_ASSIGN(auto resp, send_buffered(call, 1u << 20));
  std::string context = fmt::format("checking whether a blob {} exists in {}", digest.str(), other_name);
  switch (resp.status) {
  case 200: {
    auto size = blob_size(resp);
    if (!size)
      return fail(size.error().wrap(fmt::format("determining size of blob {} in {}", digest.str(), other_name)));
    return std::optional<int64_t>(*size);
  }
  case 404:
    return std::optional<int64_t>();
  default:
    return fail(response_to_error(resp).wrap(context));
  }
}

Result<BlobResult> Repository::get_blob(const Digest& digest, const std::vector<std::string>& urls) {
  std::vector<std::string> failures;
  for (const auto& u : urls) {
    if (!starts_with(u, "http://") && !starts_with(u, "https://")) continue;
    Call call;
    call.target = u;
    call.auth = false;
    auto stream = send(call);
    if (!stream) {
      failures.push_back(stream.error().what());
      continue;
    }
    if ((*stream)->response().status != 200) {
      failures.push_back(fmt::format("error fetching external blob from {}: {}", go_quote(u),
                                     unexpected_status_error((*stream)->response()).what()));
      continue;
    }
    auto size = blob_size((*stream)->response());
    return BlobResult{std::move(*stream), size ? *size : -1};
  }
  if (!failures.empty()) {
    std::string joined;
    for (const auto& f : failures) joined += (joined.empty() ? "" : ", ") + f;
    return fail(ErrorKind::network, "failed fetching external blob from all urls: " + joined);
  }
  std::string path = fmt::format("/v2/{}/blobs/{}", m_path, digest.str());
  log::debug(fmt::format("Downloading {}", path));
  Call call;
  call.target = path;
  TRY_ASSIGN(auto stream, send(call));
  if (stream->response().status != 200) return fail(response_to_error(drain(*stream)).wrap("fetching blob"));
  auto size = blob_size(stream->response());
  return BlobResult{make_resuming_reader(shared_from_this(), path, std::move(stream)), size ? *size : -1};
}

Status Repository::mount_blob(const std::string& from_name, const std::string& from_path, const Digest& digest) {
  Call call;
  call.method = "POST";
  call.target = fmt::format("/v2/{}/blobs/uploads/?{}", m_path,
                            http::encode_values({{"mount", digest.str()}, {"from", from_path}}));
  call.extra_scope = Scope{"repository", from_path, "pull"};
  log::debug(fmt::format("Trying to mount {}", call.target));
  TRY_ASSIGN(auto resp, send_buffered(call, 1u << 20));
  if (resp.status == 201) return {};
  if (resp.status == 202) {
    TRY_ASSIGN(auto loc, location(resp, "determining upload URL after a mount attempt"));
    Call cancel;
    cancel.method = "DELETE";
    cancel.target = loc;
    cancel.extra_scope = call.extra_scope;
    auto r = send_buffered(cancel, 1u << 20);
    if (!r) log::debug(fmt::format("Error trying to cancel an inadvertent upload: {}", r.error().what()));
    return fail(ErrorKind::not_found, fmt::format("Mounting {} from {} to {} started an upload instead", digest.str(),
                                                  from_name, m_name));
  }
  return fail(response_to_error(resp).wrap(fmt::format("mounting {} from {} to {}", digest.str(), from_name, m_name)));
}

Result<std::string> Repository::start_upload(const std::optional<Scope>& extra) {
  Call call;
  call.method = "POST";
  call.target = fmt::format("/v2/{}/blobs/uploads/", m_path);
  call.extra_scope = extra;
  log::debug(fmt::format("Uploading {}", call.target));
  TRY_ASSIGN(auto resp, send_buffered(call, 1u << 20));
  if (resp.status != 202)
    return fail(response_to_error(resp).wrap(
        fmt::format("initiating layer upload to {} in {}", call.target, m_client->host())));
  return location(resp, "determining upload URL");
}

// The blob body as a Call body: the first (and only) call borrows the shared counting reader.
static BodySource borrow_once(const std::shared_ptr<CountingReader>& counting) {
  auto opened = std::make_shared<bool>(false);
  return [counting, opened]() -> Result<ReaderPtr> {
    if (*opened) return fail(ErrorKind::internal, "Reading data from an already terminated upload");
    *opened = true;
    struct Borrow final : Reader {
      std::shared_ptr<CountingReader> r;
      Result<size_t> read(std::span<std::byte> buf) override { return r->read(buf); }
    };
    auto b = std::make_unique<Borrow>();
    b->r = counting;
    return ReaderPtr(std::move(b));
  };
}

// POST, then the blob in one streamed request. With the digest known up front that is the
// closing PUT ?digest= itself (the distribution spec's monolithic upload: two requests, and
// the registry stores no intermediate hash state); otherwise a PATCH, whose bytes give the
// digest, and a bodiless PUT.
Result<UploadResult> Repository::upload_once(const BodySource& source, int64_t size,
                                             const std::optional<Digest>& digest) {
  TRY_ASSIGN(std::string loc, start_upload(std::nullopt));
  TRY_ASSIGN(ReaderPtr raw, source());
  auto counting = std::make_shared<CountingReader>(std::move(raw), !digest);
  if (digest) {
    TRY_ASSIGN(auto done, finish_upload(loc, *digest, size, borrow_once(counting)));
    done.size = counting->count();
    return done;
  }
  Call patch;
  patch.method = "PATCH";
  patch.target = loc;
  patch.headers.push_back({"Content-Type", "application/octet-stream"});
  patch.body_size = size;
  patch.body = borrow_once(counting);
  TRY_ASSIGN(auto resp, send_buffered(patch, 1u << 20));
  if (!success_status(resp.status)) return fail(response_to_error(resp).wrap("uploading layer chunked"));
  TRY_ASSIGN(loc, location(resp, "determining upload URL"));
  return finish_upload(loc, counting->digest(), counting->count());
}

// Reads until `buf` is full or the stream ends.
static Result<size_t> read_full(Reader& r, std::string& buf) {
  size_t got = 0;
  while (got < buf.size()) {
    TRY_ASSIGN(size_t n, r.read(std::span<std::byte>(reinterpret_cast<std::byte*>(buf.data()) + got, buf.size() - got)));
    if (n == 0) break;
    got += n;
  }
  return got;
}

// For a registry that refuses a whole blob in one request (413 from a proxy's body limit):
// PATCHes of `chunk` bytes with Content-Range (distribution's chunked upload), then the PUT.
// Memory: one chunk.
Result<UploadResult> Repository::upload_chunked(const BodySource& source, const std::optional<Digest>& digest,
                                                size_t chunk) {
  TRY_ASSIGN(std::string loc, start_upload(std::nullopt));
  TRY_ASSIGN(ReaderPtr raw, source());
  CountingReader counting(std::move(raw), !digest);
  std::string buf(chunk, '\0');
  uint64_t offset = 0;
  for (;;) {
    TRY_ASSIGN(size_t n, read_full(counting, buf));
    if (n == 0) break;
    Call patch;
    patch.method = "PATCH";
    patch.target = loc;
    patch.headers.push_back({"Content-Type", "application/octet-stream"});
    patch.headers.push_back({"Content-Range", fmt::format("{}-{}", offset, offset + n - 1)});
    patch.body_bytes = buf.substr(0, n);
    TRY_ASSIGN(auto resp, send_buffered(patch, 1u << 20));
    if (!success_status(resp.status)) return fail(response_to_error(resp).wrap("uploading layer chunked"));
    TRY_ASSIGN(loc, location(resp, "determining upload URL"));
    offset += n;
    if (n < chunk) break;
  }
  return finish_upload(loc, digest ? *digest : counting.digest(), counting.count());
}

// PUT <location>?digest=, with the blob as its body when `body` is set.
Result<UploadResult> Repository::finish_upload(const std::string& loc, const Digest& final_digest, int64_t size,
                                               BodySource body) {
  TRY_ASSIGN(auto url, http::parse_url(loc));
  http::QueryValues q = http::parse_query(url.query);
  std::erase_if(q, [](const auto& kv) { return kv.first == "digest"; });
  q.emplace_back("digest", final_digest.str());
  url.query = http::encode_values(q);
  Call put;
  put.method = "PUT";
  put.target = url.str();
  put.headers.push_back({"Content-Type", "application/octet-stream"});
  if (body) {
    put.body = std::move(body);
    put.body_size = size;
  }
  TRY_ASSIGN(auto done, send_buffered(put, 1u << 20));
  if (done.status != 201)
    return fail(response_to_error(done).wrap(fmt::format("uploading layer to {}", put.target)));
  log::debug(fmt::format("Upload of layer {} complete", final_digest.str()));
  return UploadResult{final_digest, size};
}

constexpr size_t k_first_chunk = 16u << 20;
constexpr size_t k_min_chunk = 1u << 20;

Result<UploadResult> Repository::upload_blob(const BodySource& source, bool reopenable, int64_t size,
                                             const std::optional<Digest>& digest) {
  size_t chunk = 0; // 0: one streamed PATCH; else chunked, after a 413 (halved on each 413)
  for (int attempt = 1;; ++attempt) {
    auto r = chunk ? upload_chunked(source, digest, chunk) : upload_once(source, size, digest);
    if (r) return r;
    const Error& e = r.error();
    if (e.http_status == 413 && reopenable && (chunk == 0 || chunk > k_min_chunk)) {
      chunk = chunk == 0 ? k_first_chunk : std::max(k_min_chunk, chunk / 2);
      log::info(fmt::format("The registry refused the upload as too large ({}), sending it in chunks of {} bytes",
                            e.what(), chunk));
      --attempt; // not a retry of a transient failure
      continue;
    }
    bool transient = http::is_transient_error(e) || (e.http_status != 0 && retryable_status(e.http_status));
    if (!reopenable || !transient || attempt >= m_policy.max_attempts(e.http_status == 429)) return r;
    Millis delay = m_policy.backoff(attempt, e.http_status == 429);
    log::info(fmt::format("Uploading blob failed ({}), restarting the upload in {}", e.what(), go_duration(delay)));
    std::this_thread::sleep_for(delay);
  }
}

Result<std::vector<std::string>> Repository::list_tags() {
  std::vector<std::string> tags;
  std::string path = fmt::format("/v2/{}/tags/list", m_path);
  std::vector<std::string> visited;
  for (;;) {
    visited.push_back(path);
    Call call;
    call.target = path;
    // 1.9.3 returns request errors (ping, token) as they are.
    TRY_ASSIGN(auto resp_value, send_buffered(call, 64u << 20));
    auto* resp = &resp_value;
    if (resp->status != 200) return fail(response_to_error(*resp).wrap("fetching tags list"));
    auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return fail(Error(ErrorKind::invalid_input, "invalid character in JSON").wrap("decoding tag list response"));
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (to_lower(it.key()) != "tags" || !it->is_array()) continue;
      for (const auto& t : *it) {
        std::string tag = t.is_string() ? t.get<std::string>() : "";
        if (!reference::is_valid_tag(tag)) {
          if (tag.empty() || reference::parse_go_digest(tag)) continue;
          return fail(ErrorKind::invalid_input, fmt::format("registry returned invalid tag {}: invalid tag format", go_quote(tag)));
        }
        tags.push_back(tag);
      }
    }
    TRY_ASSIGN(path, next_page_path(resp->header("Link")));
    if (path.empty()) return tags;
    // A Link back to a page already read would loop forever (Go does); stop there.
    if (std::find(visited.begin(), visited.end(), path) != visited.end()) {
      log::debug(fmt::format("Ignoring tags list Link to the already read page {}", go_quote(path)));
      return tags;
    }
  }
}

namespace {

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
int unhex(char c) { return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10; }

// The %-escape check of Go's url.unescape; host mode also refuses the bytes a host name
// cannot hold. Returns the error text, "" when fine.
std::string go_unescape_error(std::string_view s, bool host) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2]))
        return "invalid URL escape " + go_quote(s.substr(i, std::min<size_t>(3, s.size() - i)));
      if (host && unhex(s[i + 1]) < 8 && s.substr(i, 3) != "%25")
        return "invalid URL escape " + go_quote(s.substr(i, 3));
      i += 2;
      continue;
    }
    if (host && static_cast<unsigned char>(c) < 0x80 && !std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-_.~!$&'()*+,;=:[]<>\"").find(c) == std::string_view::npos)
      return "invalid character " + go_quote(s.substr(i, 1)) + " in host name";
  }
  return {};
}

// validOptionalPort: "" or ":" followed by digits only.
bool valid_optional_port(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  return port.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

// Go's url.parseHost errors for an authority's host part, "" when fine.
std::string go_host_error(std::string_view host) {
  if (!host.empty() && host[0] == '[') {
    size_t close = host.rfind(']');
    if (close == std::string_view::npos) return "missing ']' in host";
    std::string_view port = host.substr(close + 1);
    if (!valid_optional_port(port)) return "invalid port " + go_quote(port) + " after host";
    return go_unescape_error(host.substr(0, close + 1), true);
  }
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon);
    if (!valid_optional_port(port)) return "invalid port " + go_quote(port) + " after host";
  }
  return go_unescape_error(host, true);
}

struct LinkUrl {
  std::string path; // escaped, as sent
  std::string query;
};

// url.Parse(raw) for a Link target, with Go's error texts (parse "<url>": …). Only the
// path and raw query are kept, as GetRepositoryTags does.
Result<LinkUrl> go_parse_url(std::string_view raw) {
  std::string_view u = raw.substr(0, raw.find('#'));
  auto parse_error = [](std::string_view url, const std::string& msg) {
    return fail(ErrorKind::invalid_input, fmt::format("parse {}: {}", go_quote(url), msg));
  };
  for (char c : u)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return parse_error(u, "net/url: invalid control character in URL");
  std::string_view rest = u; // getScheme
  std::string scheme;
  for (size_t i = 0; i < u.size(); ++i) {
    char c = u[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;
      continue;
    }
    if (c == ':') {
      if (i == 0) return parse_error(u, "missing protocol scheme");
      scheme = to_lower(u.substr(0, i));
      rest = u.substr(i + 1);
    }
    break;
  }
  LinkUrl out;
  if (!rest.empty() && rest.back() == '?' && std::count(rest.begin(), rest.end(), '?') == 1) {
    rest.remove_suffix(1);
  } else if (size_t q = rest.find('?'); q != std::string_view::npos) {
    out.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (rest.empty() || rest[0] != '/') {
    if (!scheme.empty()) return LinkUrl{"", out.query}; // opaque: no path
    if (rest.substr(0, rest.find('/')).find(':') != std::string_view::npos)
      return parse_error(u, "first path segment in URL cannot contain colon");
  }
  if ((!scheme.empty() || rest.substr(0, 3) != "///") && rest.substr(0, 2) == "//") {
    std::string_view authority = rest.substr(2);
    size_t slash = authority.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : authority.substr(slash);
    authority = authority.substr(0, slash);
    size_t at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    if (std::string e = go_host_error(host); !e.empty()) return parse_error(u, e);
    if (at != std::string_view::npos)
      if (std::string e = go_unescape_error(authority.substr(0, at), false); !e.empty()) return parse_error(u, e);
  }
  if (std::string e = go_unescape_error(rest, false); !e.empty()) return parse_error(u, e);
  if (raw.size() > u.size())
    if (std::string e = go_unescape_error(raw.substr(u.size() + 1), false); !e.empty()) return parse_error(raw, e);
  out.path = std::string(rest);
  return out;
}

} // namespace

Result<std::string> next_page_path(const std::optional<std::string>& link) {
  if (!link || link->empty()) return std::string();
  // strings.Cut(link, ";") then strings.Trim(part, "<>"), then url.Parse
  std::string part = link->substr(0, link->find(';'));
  size_t b = part.find_first_not_of("<>"), e = part.find_last_not_of("<>");
  part = b == std::string::npos ? "" : part.substr(b, e - b + 1);
  TRY_ASSIGN(auto url, go_parse_url(part));
  return url.query.empty() ? url.path : url.path + "?" + url.query;
}

Status check_login(const HostConfig& config, const auth::Credentials& creds, const Session& session) {
  auto client = Client::get(config);
  Session s = session;
  s.creds = creds;
  auto repo = std::make_shared<Repository>(client, config.registry, "", "", s);
  Repository::Call call;
  call.target = "/v2/";
  TRY_ASSIGN(auto resp, repo->send_buffered(call, 1u << 20));
  if (resp.status == 200) return {};
  Error err = response_to_error(resp);
  if (resp.status == 401) {
    Error outer(ErrorKind::unauthorized, "unable to retrieve auth token: invalid username/password: " + err.what());
    outer.http_status = 401;
    outer.registry_code = err.registry_code;
    return fail(outer);
  }
  return fail(err);
}

} // namespace hoist::registry
