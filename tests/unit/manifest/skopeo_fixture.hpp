// Test helpers: tiny images built by hand in a temp dir (dir: transport layout) and the
// real skopeo run on them, so expectations come from skopeo's own output.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "hoist/digest/digest.hpp"
#include "hoist/manifest/convert.hpp"

namespace hoist::manifest::test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
}

struct RunResult {
  int rc = -1;
  std::string out;
};

// Runs a shell command; stdout captured (with stderr too when merge_stderr), else
// stderr discarded.
inline RunResult run(const std::string& cmd, bool merge_stderr = false) {
  RunResult r;
  FILE* p = popen((cmd + (merge_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline bool have_skopeo() { return run("command -v skopeo").rc == 0; }

// A fresh temp directory removed at destruction.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hoist-manifest-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::error_code ec; fs::remove_all(path, ec); }
};

// A tar holding one file name → content (made by tar(1), deterministic enough for a test).
inline std::string make_tar(const fs::path& scratch, const std::string& name, const std::string& content) {
  fs::create_directories(scratch / "rootfs");
  write_file(scratch / "rootfs" / name, content);
  run(fmt::format("tar --mtime=@0 --owner=0 --group=0 -C '{}' -cf '{}' '{}'", (scratch / "rootfs").string(),
                  (scratch / "layer.tar").string(), name));
  fs::remove_all(scratch / "rootfs");
  std::string tar = read_file(scratch / "layer.tar");
  fs::remove(scratch / "layer.tar");
  return tar;
}

inline std::string gzip_bytes(const fs::path& scratch, const std::string& data) {
  write_file(scratch / "blob.raw", data);
  run(fmt::format("gzip -n -f '{}'", (scratch / "blob.raw").string()));
  std::string gz = read_file(scratch / "blob.raw.gz");
  fs::remove(scratch / "blob.raw.gz");
  return gz;
}

// Writes a blob into a dir: image directory; returns its digest.
inline Digest put_blob(const fs::path& dir, const std::string& data) {
  Digest d = Digest::of(data);
  write_file(dir / d.hex(), data);
  return d;
}

inline void write_dir_image(const fs::path& dir, const std::string& manifest) {
  fs::create_directories(dir);
  write_file(dir / "manifest.json", manifest);
  write_file(dir / "version", "Directory Transport Version: 1.1\n");
}

inline RunResult skopeo(const std::string& args) {
  return run("skopeo --insecure-policy " + args);
}

} // namespace hoist::manifest::test

namespace hoist::manifest {
// A ConvertInput without schema1 naming.
inline ConvertInput conv_input(std::string config, std::vector<Digest> diff_ids = {},
                               std::optional<std::vector<LayerUpdate>> layers = std::nullopt) {
  ConvertInput in;
  in.config_bytes = std::move(config);
  in.diff_ids = std::move(diff_ids);
  in.layers = std::move(layers);
  return in;
}
} // namespace hoist::manifest
