#include "hoist/transport/transport.hpp"

namespace hoist::transport {

Result<std::vector<std::string>> ImageSource::get_signatures(const std::optional<Digest>&) {
  return std::vector<std::string>{};
}

Status ImageDestination::put_signatures(const std::vector<std::string>& signatures, const std::optional<Digest>&) {
  if (signatures.empty()) return {};
  return fail(ErrorKind::unsupported, signatures_unsupported_reason());
}

} // namespace hoist::transport
