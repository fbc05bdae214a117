// The subcommand table, sorted by name as cobra lists commands.
#include "hoist/cli/command.hpp"

namespace hoist::cli {

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      copy_command(),           delete_command(),         proxy_command(),
      generate_sigstore_key_command(), inspect_command(), layers_command(),
      list_tags_command(),      login_command(),          logout_command(),
      manifest_digest_command(), standalone_sign_command(), standalone_verify_command(),
      sync_command(),           untrusted_signature_dump_command(),
  };
  return table;
}

} // namespace hoist::cli
