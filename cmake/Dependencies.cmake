# Every dependency is a Debian package (scripts/deps installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tl-expected REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)
pkg_check_modules(ARCHIVE REQUIRED IMPORTED_TARGET libarchive)

# libarchive and yaml-cpp are linked from their static archives (libarchive-dev and
# libyaml-cpp-dev ship them). hoist uses only libarchive's decompression filters and the
# shared library drags in libxml2, ICU, nettle and libacl; loading those, and yaml-cpp, costs
# every process about 6 ms of start-up here, a third of a one-shot `inspect`. Linked
# statically, only the objects hoist calls come in. The filters' codecs stay shared.
find_library(HOIST_ARCHIVE_STATIC NAMES libarchive.a REQUIRED)
find_library(HOIST_YAML_STATIC NAMES libyaml-cpp.a REQUIRED)
add_library(hoist_ext_archive INTERFACE)
target_include_directories(hoist_ext_archive INTERFACE ${ARCHIVE_INCLUDE_DIRS})
target_link_libraries(hoist_ext_archive INTERFACE ${HOIST_ARCHIVE_STATIC} lzma bz2 PkgConfig::ZSTD ZLIB::ZLIB)
# Unit tests write fixture archives with libarchive's tar writers, whose shared object file
# refers to every writer (xar needs libxml2, others nettle): tests link those too.
pkg_check_modules(ARCHIVE_WRITER_DEPS REQUIRED IMPORTED_TARGET libxml-2.0 nettle)
add_library(hoist_ext_archive_writers INTERFACE)
target_link_libraries(hoist_ext_archive_writers INTERFACE hoist_ext_archive PkgConfig::ARCHIVE_WRITER_DEPS)
add_library(hoist_ext_yaml INTERFACE)
get_target_property(HOIST_YAML_INCLUDES yaml-cpp INTERFACE_INCLUDE_DIRECTORIES)
target_include_directories(hoist_ext_yaml INTERFACE ${HOIST_YAML_INCLUDES})
target_link_libraries(hoist_ext_yaml INTERFACE ${HOIST_YAML_STATIC})
pkg_check_modules(GPGME REQUIRED IMPORTED_TARGET gpgme)
