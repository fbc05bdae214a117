# Warnings for every hoist target; -Werror when HOIST_WERROR is on (scripts/test, CI).
add_library(hoist_warnings INTERFACE)
target_compile_options(hoist_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
  # GCC 12 reports false positives inside libstdc++ string code (GCC bug 105329).
  -Wno-restrict
  $<$<BOOL:${HOIST_WERROR}>:-Werror>)
