// hoist's entry point: everything happens in hoist::cli::run, which is also the one place
// where errors are printed and turned into an exit code.
#include <malloc.h>

#include "hoist/cli/run.hpp"

int main(int argc, char** argv) {
  // glibc gives each new thread its own malloc arena (up to 8 per core) and keeps what is
  // freed there; with a sync's dozen copy threads that more than doubled the heap's peak
  // (15 MiB against 6 MiB with one arena, `sync` of 120 images to dir:). hoist's threads
  // allocate their buffers once per blob, so sharing an arena costs no measurable time.
  mallopt(M_ARENA_MAX, 1);
  return hoist::cli::run(argc, argv);
}
