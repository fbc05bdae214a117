#include "hoist/transport/all/open.hpp"

#include <fmt/format.h>

#include "hoist/transport/dir/dir.hpp"
#include "hoist/transport/oci/oci.hpp"

#if defined(HOIST_HAVE_TRANSPORT_DOCKER)
#include "hoist/transport/docker/docker.hpp"
#endif
#if defined(HOIST_HAVE_TRANSPORT_OCI_ARCHIVE)
#include "hoist/transport/oci_archive/oci_archive.hpp"
#endif
#if defined(HOIST_HAVE_TRANSPORT_DOCKER_ARCHIVE)
#include "hoist/transport/docker_archive/docker_archive.hpp"
#endif

namespace hoist::transport::all {

namespace {

tl::unexpected<Error> unsupported(const reference::ImageName& name) {
  return fail(ErrorKind::unsupported, fmt::format("hoist does not support the {} transport yet", name.transport_name));
}

oci::LayoutRef layout_ref(const reference::ImageName& name) {
  return oci::LayoutRef{name.path, name.ref, name.source_index ? static_cast<int>(*name.source_index) : -1};
}

} // namespace

Result<SourcePtr> open_source(const reference::ImageName& name, const Context& ctx) {
  switch (name.transport) {
  case reference::Transport::dir:
    return dir::open_source(name.path);
  case reference::Transport::oci:
    return oci::open_source(layout_ref(name), ctx);
#if defined(HOIST_HAVE_TRANSPORT_DOCKER)
  case reference::Transport::docker:
    return docker::open_docker_source(name, ctx);
#endif
#if defined(HOIST_HAVE_TRANSPORT_OCI_ARCHIVE)
  case reference::Transport::oci_archive:
    return oci_archive::open_source(name, ctx);
#endif
#if defined(HOIST_HAVE_TRANSPORT_DOCKER_ARCHIVE)
  case reference::Transport::docker_archive:
    return docker_archive::open_source(name, ctx);
#endif
  default:
    return unsupported(name);
  }
}

Result<DestinationPtr> open_destination(const reference::ImageName& name, const Context& ctx) {
  switch (name.transport) {
  case reference::Transport::dir:
    return dir::open_destination(name.path, ctx);
  case reference::Transport::oci:
    return oci::open_destination(layout_ref(name), ctx);
#if defined(HOIST_HAVE_TRANSPORT_DOCKER)
  case reference::Transport::docker:
    return docker::open_docker_destination(name, ctx);
#endif
#if defined(HOIST_HAVE_TRANSPORT_OCI_ARCHIVE)
  case reference::Transport::oci_archive:
    return oci_archive::open_destination(name, ctx);
#endif
#if defined(HOIST_HAVE_TRANSPORT_DOCKER_ARCHIVE)
  case reference::Transport::docker_archive:
    return docker_archive::open_destination(name, ctx);
#endif
  default:
    return unsupported(name);
  }
}

} // namespace hoist::transport::all
