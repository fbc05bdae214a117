// `delete IMAGE`: skopeo's cmd/skopeo/delete.go; only docker:// images can be deleted.
#include <fmt/format.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/options.hpp"
#include "hoist/cli/wiring.hpp"
#include "hoist/reference/image_name.hpp"

namespace hoist::cli {

namespace {

void define_delete_flags(FlagSet& fs) {
  add_shared_flags(fs);
  add_image_flags(fs, "");
  add_retry_flags(fs);
}

Status run_delete(Invocation& inv) {
  if (inv.args.size() != 1) return fail(ErrorKind::invalid_input, "Usage: delete imageReference");
  const std::string& name = inv.args[0];
  auto ref = reference::parse_image_name(name);
  if (!ref) return fail(ref.error().wrap(fmt::format("Invalid source name {}", name)));
  TRY_ASSIGN(auto ctx, image_context(inv, "", {true, false}));
  return with_retry(ctx, [&]() -> Status { return delete_image(*ref, ctx); });
}

} // namespace

CommandSpec delete_command() {
  CommandSpec c;
  c.name = "delete";
  c.use = "[command options] IMAGE-NAME";
  c.short_help = "Delete image IMAGE-NAME";
  c.long_help = fmt::format("Delete an \"IMAGE_NAME\" from a transport\nSupported transports:\n{}\n"
                            "See skopeo(1) section \"IMAGE NAMES\" for the expected format\n",
                            k_transport_list);
  c.example = "{prog} delete docker://registry.example.com/example/pause:latest";
  c.define_flags = define_delete_flags;
  c.run = run_delete;
  return c;
}

} // namespace hoist::cli
