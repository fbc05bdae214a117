// Where sync puts each image (skopeo-compat.md §8, cmd/skopeo/sync.go): the "suffix"
// names the image relative to the source (the full docker reference, or the image's
// path below a dir: source), --scoped keeps it whole, otherwise only its last path
// element survives; the destination is path.Join(DEST, suffix) + --append-suffix.
// These are pure string functions so the naming table can be tested against skopeo's.
#pragma once

#include <string>
#include <string_view>

#include "hoist/reference/docker.hpp"

namespace hoist::sync {

// Go's path.Base: "" → ".", trailing slashes dropped, "/" → "/".
std::string go_base(std::string_view path);
// Go's path.Join (Unix paths: the same as filepath.Join).
std::string go_join(std::string_view a, std::string_view b);

// Suffix of a docker source image: ref.DockerReference().String() ("docker.io/library/busybox:latest").
std::string docker_suffix(const reference::DockerName& name);
// Suffix of a dir source image at `image_path` found below `base` (the SOURCE argument
// as typed): strings.TrimPrefix, and basename(base) when that leaves nothing.
std::string dir_suffix(std::string_view image_path, std::string_view base);
// Suffix of ref `ref` of an OCI layout source, below the optional ref prefix (hoist's
// `--src oci LAYOUT[:PREFIX]`): "/ns/app:v1" for ref "reg:5000/ns/app:v1" and prefix
// "reg:5000"; the whole ref (with a leading "/") without a prefix. nullopt-like "":
// the ref is outside the prefix.
std::string oci_suffix(std::string_view ref, std::string_view prefix);
// True when `ref` lies below `prefix` (every ref when the prefix is empty).
bool oci_ref_in_prefix(std::string_view ref, std::string_view prefix);

// --scoped keeps the suffix, otherwise path.Base of it.
std::string scope(std::string_view suffix, bool scoped);
// path.Join(dest, suffix) + append_suffix: the destination as sync.go builds it.
std::string destination_path(std::string_view dest, std::string_view scoped_suffix, std::string_view append_suffix);
// The ref name an image gets in a --dest oci layout: the folder name --dest dir would
// use below DEST ("app01:v1", "reg:5000/ns/app01:v1").
std::string oci_ref_name(std::string_view scoped_suffix, std::string_view append_suffix);

} // namespace hoist::sync
