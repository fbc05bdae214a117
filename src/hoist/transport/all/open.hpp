// The transport factory: turns a parsed image name into an ImageSource/ImageDestination.
// Errors are the transports' own, unwrapped; callers add skopeo's context
// ("initializing source X: …", "Error parsing image name X: …").
#pragma once

#include "hoist/reference/image_name.hpp"
#include "hoist/transport/transport.hpp"

namespace hoist::transport::all {

Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx);
Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx);

} // namespace hoist::transport::all
