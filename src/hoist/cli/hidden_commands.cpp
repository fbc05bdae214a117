// skopeo's hidden commands `layers` (deprecated) and `experimental-image-proxy`: accepted
// with their flags so that they are not "Unrecognized", but not implemented by hoist.
#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"

namespace hoist::cli {

CommandSpec layers_command() {
  CommandSpec c;
  c.name = "layers";
  c.use = "[command options] IMAGE-NAME [LAYER...]";
  c.short_help = "Get layers of IMAGE-NAME";
  c.hidden = true;
  c.define_flags = [](FlagSet& fs) {
    add_shared_flags(fs);
    add_image_flags(fs, "");
    add_retry_flags(fs);
  };
  c.run = [](Invocation& inv) -> Status {
    if (inv.args.empty()) return fail(ErrorKind::invalid_input, "Usage: layers imageReference [layer...]");
    return fail(not_implemented("the layers command"));
  };
  return c;
}

CommandSpec proxy_command() {
  CommandSpec c;
  c.name = "experimental-image-proxy";
  c.use = "[command options] IMAGE";
  c.short_help = "Interactive proxy for fetching container images (EXPERIMENTAL)";
  c.long_help = "Run skopeo as a proxy, supporting HTTP requests to fetch manifests and blobs.";
  c.hidden = true;
  c.define_flags = [](FlagSet& fs) {
    add_shared_flags(fs);
    add_image_flags(fs, "");
    fs.add(FlagType::integer, "sockfd", 0, "Serve on opened socket pair (default 0/stdin)");
  };
  c.run = [](Invocation&) -> Status { return fail(not_implemented("experimental-image-proxy")); };
  return c;
}

} // namespace hoist::cli
