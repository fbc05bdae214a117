#include "hoist/transport/oci/layout.hpp"

#include <fmt/format.h>

#include "hoist/transport/local_path.hpp"
#include "hoist/util/fs.hpp"

namespace hoist::transport::oci {

std::string describe(const LayoutRef& ref) {
  if (ref.source_index != -1) return fmt::format("oci:{}:@{}", ref.dir, ref.source_index);
  return fmt::format("oci:{}:{}", ref.dir, ref.image);
}

std::string index_path(const LayoutRef& ref) { return go_join_path({ref.dir, "index.json"}); }
std::string layout_file_path(const LayoutRef& ref) { return go_join_path({ref.dir, "oci-layout"}); }

std::string blob_root(const LayoutRef& ref, const std::string& shared_blob_dir) {
  return shared_blob_dir.empty() ? go_join_path({ref.dir, "blobs"}) : go_clean_path(shared_blob_dir);
}

std::string blob_path(const LayoutRef& ref, const std::string& shared_blob_dir, const Digest& d) {
  return go_join_path({blob_root(ref, shared_blob_dir), d.algorithm_name(), d.hex()});
}

Result<Digest> descriptor_digest(const std::string& text) {
  auto d = Digest::parse(text);
  if (!d) return fail(d.error().wrap(fmt::format("unexpected digest reference {}", text)));
  return d;
}

Result<Index> read_index(const LayoutRef& ref) {
  TRY_ASSIGN(std::string bytes, fs::read_file(index_path(ref)));
  return parse_index(bytes);
}

} // namespace hoist::transport::oci
