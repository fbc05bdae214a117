#include "hoist/sync/sources.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <cerrno>
#include <dirent.h>
#include <functional>
#include <regex>
#include <sys/stat.h>

#include <fmt/format.h>

#include "hoist/sync/naming.hpp"
#include "hoist/sync/semver.hpp"
#include "hoist/transport/docker/docker.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/transport/oci/layout.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::sync {

namespace {

using reference::DockerName;
using reference::ImageName;

Error invalid(std::string msg) { return Error(ErrorKind::invalid_input, std::move(msg)); }

ImageName docker_image(const DockerName& name) {
  ImageName out;
  out.transport = reference::Transport::docker;
  out.transport_name = "docker";
  out.details = "//" + name.str();
  out.docker = name;
  return out;
}

ImageName dir_image(const std::string& path) {
  ImageName out;
  out.transport = reference::Transport::dir;
  out.transport_name = "dir";
  out.details = path;
  out.path = path;
  out.resolved_path = transport::resolve_path_explicit(path);
  return out;
}

ImageName oci_image(const std::string& layout, const std::string& ref) {
  ImageName out;
  out.transport = reference::Transport::oci;
  out.transport_name = "oci";
  out.details = layout + ":" + ref;
  out.path = layout;
  out.ref = ref;
  out.resolved_path = transport::resolve_path_explicit(layout);
  return out;
}

// getImageTags + imagesToCopyFromRepo: every valid tag of the repository.
Result<std::vector<SourceImage>> images_from_repo(const DockerName& repo, const transport::Context& ctx) {
  log::info("Getting tags", {{"image", repo.name()}});
  auto tags = transport::docker::list_tags(repo.with_default_tag(), ctx);
  if (!tags) return fail(tags.error().wrap("Error determining repository tags for repo " + repo.name()));
  std::vector<SourceImage> out;
  for (const auto& tag : *tags) {
    if (!reference::is_valid_tag(tag)) {
      log::error("Error creating a tagged reference from registry tag list: invalid tag format",
                 {{"repo", repo.name()}, {"tag", tag}});
      continue;
    }
    DockerName tagged = repo;
    tagged.tag = tag;
    out.push_back(SourceImage{docker_image(tagged), docker_suffix(tagged)});
  }
  return out;
}

Result<std::vector<SourceGroup>> docker_sources(const std::string& source, const transport::Context& ctx) {
  auto named = reference::parse_normalized_named(source);
  if (!named)
    return fail(named.error().wrap(fmt::format(
        "Cannot obtain a valid image reference for transport \"docker\" and reference {}", go_quote(source))));
  bool tagged = !named->name_only();
  log::info("Tag presence check", {{"imagename", source}, {"tagged", tagged ? "true" : "false"}});
  SourceGroup group{{}, ctx};
  if (tagged) {
    group.images.push_back(SourceImage{docker_image(*named), docker_suffix(*named)});
  } else {
    TRY_ASSIGN(group.images, images_from_repo(*named, ctx));
    if (group.images.empty()) return fail(invalid(fmt::format("No images to sync found in {}", go_quote(source))));
  }
  return std::vector<SourceGroup>{std::move(group)};
}

// Entries of `dir` sorted by name (os.ReadDir), with whether each is a directory.
Result<std::vector<std::pair<std::string, unsigned char>>> read_dir_sorted(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail(fs::os_error("open", dir, errno));
  std::vector<std::pair<std::string, unsigned char>> out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    unsigned char type = e->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st {};
      std::string full = transport::go_join_path({dir, n});
      if (::lstat(full.c_str(), &st) == 0) type = S_ISDIR(st.st_mode) ? DT_DIR : (S_ISREG(st.st_mode) ? DT_REG : DT_LNK);
    }
    out.emplace_back(std::move(n), type);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// filepath.WalkDir below `path` (already visited): returning after manifest.json is
// SkipDir — the rest of that directory is not visited, entries before it already were.
Status walk(const std::string& path, std::vector<std::string>& out) {
  TRY_ASSIGN(auto entries, read_dir_sorted(path));
  for (const auto& [name, type] : entries) {
    std::string child = transport::go_join_path({path, name});
    if (type == DT_DIR) {
      TRY(walk(child, out));
    } else if (name == "manifest.json") {
      out.push_back(transport::go_clean_path(path));
      return {};
    }
  }
  return {};
}

Result<std::vector<SourceGroup>> dir_sources(const std::string& source, const transport::Context& ctx) {
  struct stat st {};
  if (::stat(source.c_str(), &st) != 0)
    return fail(fs::os_error("stat", source, errno).wrap("Invalid source directory specified"));
  TRY_ASSIGN(auto dirs, walk_image_dirs(source));
  if (dirs.empty()) return fail(invalid(fmt::format("No images to sync found in {}", go_quote(source))));
  SourceGroup group{{}, ctx};
  for (const auto& d : dirs) group.images.push_back(SourceImage{dir_image(d), dir_suffix(d, source)});
  return std::vector<SourceGroup>{std::move(group)};
}

// hoist's --src oci LAYOUT[:PREFIX]: every named image of the layout (below PREFIX).
Result<std::vector<SourceGroup>> oci_sources(const std::string& source, const transport::Context& ctx) {
  auto colon = source.find(':');
  transport::oci::LayoutRef layout{source.substr(0, colon), "", -1};
  std::string prefix = colon == std::string::npos ? "" : source.substr(colon + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  auto index = transport::oci::read_index(layout);
  if (!index) return fail(index.error().wrap("Invalid source layout specified"));
  SourceGroup group{{}, ctx};
  for (const auto& desc : index->manifests) {
    auto it = desc.annotations.find(std::string(transport::oci::k_ref_name_annotation));
    if (it == desc.annotations.end() || !oci_ref_in_prefix(it->second, prefix)) continue;
    bool seen = std::any_of(group.images.begin(), group.images.end(),
                            [&](const SourceImage& s) { return s.name.ref == it->second; });
    if (!seen) group.images.push_back(SourceImage{oci_image(layout.dir, it->second), oci_suffix(it->second, prefix)});
  }
  if (group.images.empty()) return fail(invalid(fmt::format("No images to sync found in {}", go_quote(source))));
  return std::vector<SourceGroup>{std::move(group)};
}

using Fields = log::Fields;

// "registry/repo" as a repository reference, or nullopt after skopeo's log lines.
std::optional<DockerName> repository(const std::string& registry, const std::string& repo, const Fields& fields) {
  auto ref = reference::parse_normalized_named(registry + "/" + repo);
  std::string err;
  if (!ref) err = ref.error().what();
  else if (!ref->name_only()) err = "input names a reference, not a repository";
  if (err.empty()) return *ref;
  log::error("Error parsing repository name, skipping", fields);
  log::error(err);
  return std::nullopt;
}

// One explicit ref of an `images` entry: a digest first, else a tag.
std::optional<DockerName> explicit_ref(const DockerName& repo, const std::string& ref) {
  DockerName named = repo;
  if (auto d = reference::parse_go_digest(ref)) {
    named.digest = *d;
    return named;
  }
  if (!reference::is_valid_tag(ref)) {
    log::error("Error parsing ref, skipping", {{"ref", ref}});
    log::error("invalid tag format");
    return std::nullopt;
  }
  named.tag = ref;
  return named;
}

void add_group(std::vector<SourceGroup>& out, std::vector<SourceImage> images, const transport::Context& ctx,
               const Fields& fields) {
  if (images.empty()) {
    log::warning("No refs to sync found", fields);
    return;
  }
  out.push_back(SourceGroup{std::move(images), ctx});
}

using Listing = std::optional<Result<std::vector<SourceImage>>>;

// The tag lists of every `[]` entry, fetched up to 8 at a time (skopeo lists one after the
// other; 40 repositories cost 40 round trips in a row). Logging stays in file order.
std::map<std::string, Listing> prefetch_tag_lists(const RegistryConfig& cfg, const transport::Context& ctx) {
  std::vector<std::pair<std::string, DockerName>> wanted;
  for (const auto& [repo_name, refs] : cfg.images) {
    if (!refs.empty()) continue;
    auto parsed = reference::parse_normalized_named(cfg.registry + "/" + repo_name);
    if (parsed && parsed->name_only()) wanted.emplace_back(repo_name, *parsed);
  }
  std::vector<Listing> results(wanted.size());
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < wanted.size();) results[i] = images_from_repo(wanted[i].second, ctx);
    };
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < std::min<size_t>(8, wanted.size()); ++t) threads.emplace_back(work);
  }
  std::map<std::string, Listing> out;
  for (size_t i = 0; i < wanted.size(); ++i) out[wanted[i].first] = std::move(results[i]);
  return out;
}

void images_entries(const RegistryConfig& cfg, const transport::Context& ctx, std::vector<SourceGroup>& out) {
  std::map<std::string, Listing> prefetched = prefetch_tag_lists(cfg, ctx);
  for (const auto& [repo_name, refs] : cfg.images) {
    Fields fields{{"registry", cfg.registry}, {"repo", repo_name}};
    auto repo = repository(cfg.registry, repo_name, fields);
    if (!repo) continue;
    log::info("Processing repo", fields);
    std::vector<SourceImage> images;
    if (refs.empty()) {
      log::info("Querying registry for image tags", fields);
      auto& slot = prefetched[repo_name];
      auto listed = slot ? std::move(*slot) : images_from_repo(*repo, ctx);
      if (!listed) {
        log::error("Error processing repo, skipping", fields);
        log::error(listed.error().what());
        continue;
      }
      images = std::move(*listed);
    }
    for (const auto& ref : refs) {
      if (auto named = explicit_ref(*repo, ref)) images.push_back(SourceImage{docker_image(*named), docker_suffix(*named)});
    }
    add_group(out, std::move(images), ctx, fields);
  }
}

using TagFilter = std::function<Result<std::vector<std::string>>(const std::vector<std::string>&)>;

// filterSourceReferences: list each repository's tags and keep those the filter selects.
void filtered_entries(const RegistryConfig& cfg, const std::vector<std::pair<std::string, TagFilter>>& filters,
                      const transport::Context& ctx, std::vector<SourceGroup>& out) {
  for (const auto& [repo_name, filter] : filters) {
    Fields fields{{"registry", cfg.registry}, {"repo", repo_name}};
    auto repo = repository(cfg.registry, repo_name, fields);
    if (!repo) continue;
    log::info("Processing repo", fields);
    log::info("Querying registry for image tags", fields);
    auto listed = images_from_repo(*repo, ctx);
    if (!listed) {
      log::error("Error processing repo, skipping", fields);
      log::error(listed.error().what());
      continue;
    }
    std::vector<std::string> tags;
    for (const auto& img : *listed) tags.push_back(img.name.docker->tag);
    auto kept = filter(tags);
    if (!kept) continue;
    std::vector<SourceImage> images;
    for (const auto& img : *listed) {
      if (std::find(kept->begin(), kept->end(), img.name.docker->tag) != kept->end()) images.push_back(img);
    }
    add_group(out, std::move(images), ctx, fields);
  }
}

// Compiles every filter of one kind first: one bad expression drops them all (sync.go).
template <typename Check>
std::optional<std::vector<std::pair<std::string, TagFilter>>> compile_filters(
    const std::vector<std::pair<std::string, std::string>>& entries, Check check) {
  std::vector<std::pair<std::string, TagFilter>> filters;
  for (const auto& [repo, expr] : entries) {
    if (auto probe = check(std::vector<std::string>{}, expr); !probe) {
      log::error(probe.error().what());
      return std::nullopt;
    }
    std::string e = expr;
    filters.emplace_back(repo, [check, e](const std::vector<std::string>& tags) { return check(tags, e); });
  }
  return filters;
}

std::vector<SourceGroup> registry_sources(const RegistryConfig& cfg, const transport::Context& cli) {
  std::vector<SourceGroup> out;
  transport::Context ctx = registry_context(cfg, cli);
  if (!cfg.has_images()) {
    log::warning("No images specified for registry", {{"registry", cfg.registry}});
    return out;
  }
  images_entries(cfg, ctx, out);
  if (auto f = compile_filters(cfg.images_by_tag_regex, filter_by_regex)) filtered_entries(cfg, *f, ctx, out);
  if (auto f = compile_filters(cfg.images_by_semver, filter_by_semver)) filtered_entries(cfg, *f, ctx, out);
  return out;
}

} // namespace

transport::Context registry_context(const RegistryConfig& cfg, const transport::Context& cli) {
  transport::Context ctx = cli;
  ctx.cert_dir = cfg.cert_dir.empty() ? std::nullopt : std::optional<std::string>(cfg.cert_dir);
  if (cfg.tls_verify) ctx.tls_verify = *cfg.tls_verify;
  if (cfg.has_credentials()) {
    ctx.username = cfg.username;
    ctx.password = cfg.password;
    ctx.no_creds = false;
  }
  return ctx;
}

Result<std::vector<std::string>> filter_by_regex(const std::vector<std::string>& tags, const std::string& re) {
  std::regex pattern;
  try {
    pattern = std::regex(re, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return fail(invalid(fmt::format("error parsing regexp: {}: `{}`", e.what(), re)));
  }
  std::vector<std::string> out;
  for (const auto& t : tags) {
    if (std::regex_search(t, pattern)) out.push_back(t);
  }
  return out;
}

Result<std::vector<std::string>> filter_by_semver(const std::vector<std::string>& tags, const std::string& constraint) {
  TRY_ASSIGN(auto c, Constraints::parse(constraint));
  std::vector<std::string> out;
  for (const auto& t : tags) {
    auto v = parse_version(t);
    if (v && c.check(*v)) out.push_back(t);
  }
  return out;
}

Result<std::vector<std::string>> walk_image_dirs(const std::string& base) {
  std::vector<std::string> out;
  TRY_ASSIGN(auto entries, read_dir_sorted(base));
  // The root itself: WalkDir visits it as given (uncleaned); its children get Join()ed.
  for (const auto& [name, type] : entries) {
    if (type == DT_DIR) {
      auto st = walk(transport::go_join_path({base, name}), out);
      if (!st) return fail(st.error().wrap(fmt::format("Error walking the path {}", go_quote(base))));
    } else if (name == "manifest.json") {
      out.push_back(transport::go_clean_path(base));
      break;
    }
  }
  return out;
}

Result<std::vector<SourceGroup>> enumerate_sources(SourceKind kind, const std::string& source,
                                                   const transport::Context& ctx) {
  switch (kind) {
  case SourceKind::docker:
    return docker_sources(source, ctx);
  case SourceKind::dir:
    return dir_sources(source, ctx);
  case SourceKind::oci:
    return oci_sources(source, ctx);
  case SourceKind::yaml:
    break;
  }
  TRY_ASSIGN(auto cfgs, load_config(source));
  std::vector<SourceGroup> out;
  for (const auto& cfg : cfgs) {
    auto groups = registry_sources(cfg, ctx);
    for (auto& g : groups) out.push_back(std::move(g));
  }
  return out;
}

} // namespace hoist::sync
