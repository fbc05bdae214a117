// Paths inside an OCI layout, shared by the source and the destination.
#pragma once

#include <string>

#include "hoist/digest/digest.hpp"
#include "hoist/transport/oci/index.hpp"
#include "hoist/transport/oci/oci.hpp"

namespace hoist::transport::oci {

std::string index_path(const LayoutRef& ref);
std::string layout_file_path(const LayoutRef& ref);
// The directory holding <alg>/<hex>: --shared-blob-dir if set, else DIR/blobs.
std::string blob_root(const LayoutRef& ref, const std::string& shared_blob_dir);
std::string blob_path(const LayoutRef& ref, const std::string& shared_blob_dir, const Digest& d);
// A digest string from index.json, validated before it becomes a path.
Result<Digest> descriptor_digest(const std::string& text);
// Reads and decodes DIR/index.json.
Result<Index> read_index(const LayoutRef& ref);

} // namespace hoist::transport::oci
