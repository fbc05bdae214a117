// hoist's command line: parses argv like skopeo's cobra/pflag front end, runs the
// subcommand, and is the one place errors are printed (logrus "fatal" line) and turned
// into the exit code.
#pragma once

namespace hoist::cli {

// Runs the command line; returns the process exit code (0 ok, 1 error, 2 image not found).
int run(int argc, char** argv);

} // namespace hoist::cli
