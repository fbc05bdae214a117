# hoist_library(NAME DEPS <hoist libs> EXTERNAL <imported targets>)
# Builds src/hoist/<folder>/*.cpp into the static library hoist_<NAME>. Only the listed
# libraries are linked, so an include of a higher layer fails at link time.
function(hoist_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;EXTERNAL" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(hoist_${name} STATIC ${sources})
  target_include_directories(hoist_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  set(deps)
  foreach(dep ${ARG_DEPS})
    list(APPEND deps hoist_${dep})
  endforeach()
  target_link_libraries(hoist_${name} PUBLIC ${deps} ${ARG_EXTERNAL} PRIVATE hoist_warnings)
endfunction()
