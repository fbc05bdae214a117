// Blob bodies that resume with Range requests after a dropped connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hoist/http/client.hpp"
#include "hoist/util/io.hpp"
#include "hoist/util/result.hpp"

namespace hoist::registry {

class Repository;

struct ContentRange {
  int64_t first = -1, last = -1, complete = -1; // complete -1 for "*"
};
// c/image parseContentRange over all Content-Range values, with its error texts.
Result<ContentRange> parse_content_range(const std::vector<std::string>& values);

// Reads `first` (a 200 GET of `path`) and reconnects with Range: as c/image does.
ReaderPtr make_resuming_reader(std::shared_ptr<Repository> repo, std::string path, http::StreamPtr first);

} // namespace hoist::registry
