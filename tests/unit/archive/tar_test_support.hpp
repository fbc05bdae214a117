// Helpers for the archive tests: in-memory writers and temporary archive files.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "hoist/archive/tar_header.hpp"
#include "hoist/archive/tar_writer.hpp"
#include "hoist/util/io.hpp"

namespace hoist::archive::testing {

class StringWriter final : public Writer {
public:
  Status write(std::span<const std::byte> data) override {
    m_data.append(reinterpret_cast<const char*>(data.data()), data.size());
    return {};
  }
  std::string& data() { return m_data; }

private:
  std::string m_data;
};

// A temporary directory removed at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "hoist-archive-test-XXXXXX").string();
    m_path = ::mkdtemp(templ.data());
  }
  ~TempDir() { std::filesystem::remove_all(m_path); }
  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path write(const std::string& name, const std::string& data) const {
    auto p = m_path / name;
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }

private:
  std::filesystem::path m_path;
};

inline TarHeader file_header(std::string name, int64_t mode = 0444) {
  TarHeader h;
  h.name = std::move(name);
  h.mode = mode;
  return h;
}

// A tar built with hoist's writer: (name, content) files, then optional symlinks.
inline std::string make_tar(const std::vector<std::pair<std::string, std::string>>& files,
                            const std::vector<std::pair<std::string, std::string>>& symlinks = {}) {
  StringWriter out;
  TarWriter w(out);
  for (const auto& [name, content] : files) (void)w.add_bytes(file_header(name), content);
  for (const auto& [name, target] : symlinks) {
    TarHeader h = file_header(name, 0);
    h.type = '2';
    h.link_name = target;
    (void)w.add_header_only(h);
  }
  (void)w.close();
  return out.data();
}

// Rewrites the checksum of the header block at `offset` after a test edited it.
inline void fix_checksum(std::string& tar_bytes, size_t offset) {
  tar::Block b{};
  std::copy_n(tar_bytes.data() + offset, tar::k_block, b.data());
  char sum[8];
  std::snprintf(sum, sizeof sum, "%06llo", static_cast<unsigned long long>(tar::checksum_unsigned(b)));
  std::copy_n(sum, 6, tar_bytes.data() + offset + 148);
  tar_bytes[offset + 154] = '\0';
  tar_bytes[offset + 155] = ' ';
}

} // namespace hoist::archive::testing
