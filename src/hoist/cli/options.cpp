#include "hoist/cli/options.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "hoist/util/strings.hpp"

namespace hoist::cli {

namespace {

std::string p(std::string_view prefix, std::string_view name) { return std::string(prefix) + std::string(name); }

Error invalid(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

// The --[p]creds value, from the flag or its hidden alias (--screds / --dcreds).
std::optional<std::string> creds_value(const FlagSet& fs, std::string_view prefix) {
  if (auto v = fs.optional_string(p(prefix, "creds"))) return v;
  if (prefix == "src-" && fs.find("screds")) return fs.optional_string("screds");
  if (prefix == "dest-" && fs.find("dcreds")) return fs.optional_string("dcreds");
  return std::nullopt;
}

// dockerImageOptions.newSystemContext's credential checks, in skopeo's order.
Status apply_credentials(const FlagSet& fs, std::string_view prefix, transport::Context& ctx) {
  auto creds = creds_value(fs, prefix);
  auto user = fs.optional_string(p(prefix, "username"));
  auto pass = fs.optional_string(p(prefix, "password"));
  bool no_creds = fs.get_bool(p(prefix, "no-creds"));
  if (creds && no_creds) return fail(invalid("creds and no-creds cannot be specified at the same time"));
  if (user && no_creds) return fail(invalid("username and no-creds cannot be specified at the same time"));
  if (creds && user) return fail(invalid("creds and username cannot be specified at the same time"));
  if (user.has_value() != pass.has_value()) {
    return fail(invalid(user ? "password must be specified when username is specified"
                             : "username must be specified when password is specified"));
  }
  if (creds) {
    TRY_ASSIGN(auto parsed, parse_creds(*creds));
    ctx.username = parsed.username;
    ctx.password = parsed.password;
  } else if (user) {
    ctx.username = *user;
    ctx.password = *pass;
  }
  if (auto token = fs.optional_string(p(prefix, "registry-token"))) ctx.registry_token = *token;
  if (no_creds) {
    ctx.no_creds = true;
    ctx.username.reset();
    ctx.password.reset();
  }
  return {};
}

void apply_globals(const Globals& g, transport::Context& ctx) {
  ctx.user_agent = g.user_agent();
  ctx.tmpdir = g.tmpdir;
  ctx.command_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(g.command_timeout);
  if (g.tls_verify) ctx.tls_verify = *g.tls_verify;
}

Status apply_dest(const FlagSet& fs, std::string_view prefix, transport::Context& ctx) {
  ctx.dir_force_compress = fs.get_bool(p(prefix, "compress"));
  ctx.dir_force_decompress = fs.get_bool(p(prefix, "decompress"));
  ctx.oci_accept_uncompressed_layers = fs.get_bool(p(prefix, "oci-accept-uncompressed-layers"));
  const std::string& format = fs.get_string(p(prefix, "compress-format"));
  if (!format.empty() && format != "gzip" && format != "zstd" && format != "zstd:chunked" && format != "bzip2" &&
      format != "xz") {
    return fail(invalid(fmt::format("cannot find compressor for {}", go_quote(format))));
  }
  // Compression choice belongs to the copy engine (CopyOptions); these reach it from copy.cpp.
  return {};
}

} // namespace

void add_shared_flags(FlagSet& fs) {
  const char* env = std::getenv("REGISTRY_AUTH_FILE");
  fs.add_string("authfile", 0, "path of the registry credentials file. Default is ${XDG_RUNTIME_DIR}/containers/auth.json",
                env ? env : "");
}

void add_deprecated_tls_verify_flag(FlagSet& fs) {
  fs.add_bool("tls-verify", 0, "require HTTPS and verify certificates when accessing the container registry").hidden = true;
}

void add_docker_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias) {
  if (!prefix.empty()) {
    fs.add_string(p(prefix, "authfile"), 0, "path of the registry credentials file. Default is ${XDG_RUNTIME_DIR}/containers/auth.json");
  }
  fs.add_string(p(prefix, "creds"), 0, "Use `USERNAME[:PASSWORD]` for accessing the registry");
  fs.add_string(p(prefix, "username"), 0, "Username for accessing the registry");
  fs.add_string(p(prefix, "password"), 0, "Password for accessing the registry");
  if (!creds_alias.empty()) {
    fs.add_string(std::string(creds_alias), 0, "Use `USERNAME[:PASSWORD]` for accessing the registry").hidden = true;
  }
  fs.add_string(p(prefix, "registry-token"), 0, "Provide a Bearer token for accessing the registry");
  fs.add_string(p(prefix, "cert-dir"), 0, "use certificates at `PATH` (*.crt, *.cert, *.key) to connect to the registry or daemon");
  fs.add_bool(p(prefix, "tls-verify"), 0, "require HTTPS and verify certificates when talking to the container registry or daemon");
  fs.add_bool(p(prefix, "no-creds"), 0, "Access the registry anonymously");
}

void add_image_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias) {
  add_docker_flags(fs, prefix, creds_alias);
  fs.add_string(p(prefix, "shared-blob-dir"), 0, "`DIRECTORY` to use to share blobs across OCI repositories");
  fs.add_string(p(prefix, "daemon-host"), 0, "use docker daemon host at `HOST` (docker-daemon: only)");
}

void add_dest_flags(FlagSet& fs, std::string_view prefix, std::string_view creds_alias) {
  add_image_flags(fs, prefix, creds_alias);
  fs.add_bool(p(prefix, "compress"), 0,
              "Compress tarball image layers when saving to directory using the 'dir' transport. (default is same compression type as source)");
  fs.add_bool(p(prefix, "decompress"), 0,
              "Decompress tarball image layers when saving to directory using the 'dir' transport. (default is same compression type as source)");
  fs.add_bool(p(prefix, "oci-accept-uncompressed-layers"), 0,
              "Allow uncompressed image layers when saving to an OCI image using the 'oci' transport. (default is to compress things that aren't compressed)");
  fs.add_string(p(prefix, "compress-format"), 0, "`FORMAT` to use for the compression");
  fs.add(FlagType::integer, p(prefix, "compress-level"), 0, "`LEVEL` to use for the compression");
  fs.add_bool(p(prefix, "precompute-digests"), 0,
              "Precompute digests to prevent uploading layers already on the registry using the 'docker' transport.");
  fs.add_bool(p(prefix, "force-compress-format"), 0, "Force exclusive use of the compression algorithm set in --dest-compress-format");
}

void add_retry_flags(FlagSet& fs) {
  fs.add(FlagType::integer, "retry-times", 0, "the number of times to possibly retry");
  fs.add(FlagType::duration, "retry-delay", 0, "Fixed delay between retries. If not set, retry uses an exponential backoff delay.");
}

void add_copy_shared_flags(FlagSet& fs) {
  fs.add_bool("remove-signatures", 0, "Do not copy signatures from source");
  fs.add_string("sign-by", 0, "Sign the image using a GPG key with the specified `FINGERPRINT`");
  fs.add_string("sign-by-sq-fingerprint", 0, "Sign the image using a Sequoia-PGP key with the specified `FINGERPRINT`");
  fs.add_string("sign-by-sigstore", 0, "Sign the image using a sigstore parameter file at `PATH`");
  fs.add_string("sign-by-sigstore-private-key", 0, "Sign the image using a sigstore private key at `PATH`");
  fs.add_string("sign-passphrase-file", 0, "Read a passphrase for signing an image from `PATH`");
  fs.add_string("format", 'f', "MANIFEST TYPE (oci, v2s1, or v2s2) to use in the destination (default is manifest type of source, with fallbacks)");
  fs.add_bool("preserve-digests", 0, "Preserve digests of images and lists");
}

Result<ParsedCreds> parse_creds(std::string_view creds) {
  if (creds.empty()) return fail(invalid("credentials can't be empty"));
  auto colon = creds.find(':');
  ParsedCreds out;
  out.username = std::string(creds.substr(0, colon));
  if (colon != std::string_view::npos) out.password = std::string(creds.substr(colon + 1));
  if (out.username.empty()) return fail(invalid("username can't be empty"));
  return out;
}

Result<transport::Context> image_context(const Invocation& inv, std::string_view prefix, ContextGroups groups) {
  const FlagSet& fs = inv.flags;
  transport::Context ctx;
  apply_globals(inv.globals, ctx);
  if (fs.find("authfile") && !fs.get_string("authfile").empty()) ctx.authfile = fs.get_string("authfile");
  if (!prefix.empty()) {
    if (auto af = fs.optional_string(p(prefix, "authfile"))) ctx.authfile = *af;
  }
  if (fs.find("tls-verify") && !prefix.empty()) {
    if (auto deprecated = fs.optional_bool("tls-verify")) ctx.tls_verify = *deprecated;
  }
  if (auto tv = fs.optional_bool(p(prefix, "tls-verify"))) ctx.tls_verify = *tv;
  if (const auto& cd = fs.get_string(p(prefix, "cert-dir")); !cd.empty()) ctx.cert_dir = cd;
  TRY(apply_credentials(fs, prefix, ctx));
  if (groups.image) {
    if (const auto& dir = fs.get_string(p(prefix, "shared-blob-dir")); !dir.empty()) ctx.shared_blob_dir = dir;
    TRY(refuse_if_set(fs, p(prefix, "daemon-host")));
  }
  if (groups.dest) TRY(apply_dest(fs, prefix, ctx));
  if (fs.find("retry-times")) {
    ctx.retry_times = static_cast<int>(fs.at("retry-times").i);
    ctx.retry_delay = std::chrono::duration_cast<std::chrono::milliseconds>(fs.at("retry-delay").d);
  }
  return ctx;
}

Result<std::optional<std::string>> manifest_format(const FlagSet& fs) {
  auto v = fs.optional_string("format");
  if (!v) return std::optional<std::string>();
  if (*v == "oci") return std::optional<std::string>("application/vnd.oci.image.manifest.v1+json");
  if (*v == "v2s1") return std::optional<std::string>("application/vnd.docker.distribution.manifest.v1+prettyjws");
  if (*v == "v2s2") return std::optional<std::string>("application/vnd.docker.distribution.manifest.v2+json");
  return fail(invalid(fmt::format("unknown format {}. Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'", go_quote(*v))));
}

Status refuse_if_set(const FlagSet& fs, std::string_view name) {
  const Flag* f = fs.find(name);
  if (f && f->changed) return fail(ErrorKind::unsupported, fmt::format("--{} is not supported by hoist yet", name));
  return {};
}

} // namespace hoist::cli
