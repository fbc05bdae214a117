// hoist's entry point: everything happens in hoist::cli::run, which is also the one place
// where errors are printed and turned into an exit code.
#include "hoist/cli/run.hpp"

int main(int argc, char** argv) { return hoist::cli::run(argc, argv); }
