// The sync driver: enumerate sources → name every destination → run the images on a
// pool of --jobs workers → write --digestfile → report. Each image is: open the source
// (one manifest GET) → if the destination already has that manifest, skip it (one HEAD
// or a local read, nothing written) → else copy it with the copy engine through the blob
// gate, so concurrent images share in-flight blobs.
#include "hoist/sync/sync.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "hoist/registry/retry.hpp"
#include "hoist/sync/blob_gate.hpp"
#include "hoist/sync/image_progress.hpp"
#include "hoist/sync/oci_originals.hpp"
#include "hoist/sync/plan.hpp"
#include "hoist/transport/all/open.hpp"
#include "hoist/transport/local_path.hpp"
#include "hoist/util/fs.hpp"
#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

namespace hoist::sync {

namespace {

struct Job {
  const SourceGroup* group = nullptr;
  size_t number = 0, of = 0; // "Copying image ref number/of"
  SourceImage src;
  reference::ImageName dest;
};

enum class Outcome { not_run, copied, skipped, failed };

struct JobResult {
  Outcome outcome = Outcome::not_run;
  std::optional<Error> error;
  std::string digest;
  uint64_t transferred = 0, present = 0;
};

log::Fields from_to(const Job& j) { return {{"from", j.src.name.str()}, {"to", j.dest.str()}}; }

Status with_retry(const transport::Context& ctx, const std::function<Status()>& op) {
  registry::RetryOptions options;
  options.max_retry = ctx.retry_times;
  options.delay = ctx.retry_delay;
  return registry::retry_if_necessary(options, op);
}

// os.OpenFile(path, O_TRUNC|O_CREATE|O_WRONLY, 0644) + WriteString.
Status write_file(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return fail(fs::os_error("open", path, errno));
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return fail(fs::os_error("write", path, errno));
  return {};
}

class Runner {
public:
  explicit Runner(const Options& o) : m_o(o) {}
  Status run(Summary* summary);

private:
  Status build_jobs();
  void work();
  JobResult execute(const Job& job);
  Result<JobResult> copy_job(const Job& job, ImageProgress& progress);
  Result<JobResult> plan_job(const Job& job);
  Result<bool> already_present(transport::ImageSource& src, const Job& job);
  Result<transport::DestinationPtr> open_destination(const Job& job);
  copy::CopyOptions copy_options(const Job& job) const;
  Status finish(Summary* summary, double seconds);
  Status write_digestfile() const;

  const Options& m_o;
  std::vector<SourceGroup> m_groups;
  std::vector<Job> m_jobs;
  std::vector<JobResult> m_results;
  std::atomic<size_t> m_next{0};
  std::atomic<bool> m_stop{false};
  BlobGate m_gate;
  std::mutex m_commit_mutex, m_out_mutex;
};

Status Runner::build_jobs() {
  Naming naming{m_o.dest_kind, m_o.destination, m_o.scoped, m_o.append_suffix};
  for (const auto& g : m_groups) {
    for (size_t i = 0; i < g.images.size(); ++i) {
      TRY_ASSIGN(auto dest, destination_for(g.images[i], naming));
      m_jobs.push_back(Job{&g, i + 1, g.images.size(), g.images[i], std::move(dest)});
    }
  }
  m_results.resize(m_jobs.size());
  return {};
}

void Runner::work() {
  for (size_t i; !m_stop && (i = m_next++) < m_jobs.size();) {
    m_results[i] = execute(m_jobs[i]);
    if (m_results[i].outcome == Outcome::failed && !m_o.keep_going && !m_o.dry_run) m_stop = true;
  }
}

JobResult Runner::execute(const Job& job) {
  Result<JobResult> r = JobResult{};
  if (m_o.dry_run) {
    log::info(fmt::format("Would have copied image ref {}/{}", job.number, job.of), from_to(job));
    r = plan_job(job);
  } else {
    log::info(fmt::format("Copying image ref {}/{}", job.number, job.of), from_to(job));
    ImageProgress progress(m_o.quiet ? nullptr : m_o.out, m_o.jobs <= 1, m_out_mutex);
    r = copy_job(job, progress);
    progress.flush();
  }
  if (r) return *r;
  JobResult failed;
  failed.outcome = Outcome::failed;
  failed.error = r.error();
  if (m_o.keep_going || m_o.dry_run)
    log::error(fmt::format("Error copying ref {}", go_quote(job.src.name.str())), {{"error", r.error().what()}});
  return failed;
}

copy::CopyOptions Runner::copy_options(const Job& job) const {
  copy::CopyOptions c = m_o.copy;
  c.multi_arch = m_o.all ? copy::MultiArch::all : copy::MultiArch::system;
  if (m_o.policy) c.policy = copy::PolicyCheck{*m_o.policy, copy::policy_subject(job.src.name)};
  if (job.dest.docker && job.dest.docker->digest) c.dest_reference_digest = *job.dest.docker->digest;
  return c;
}

// The cheap no-op: the destination already holds the manifest this copy would write.
Result<bool> Runner::already_present(transport::ImageSource& src, const Job& job) {
  if (!m_o.copy.force_manifest_type.empty()) return false;
  auto probe = make_probe(job.dest, m_o.dest_ctx);
  TRY_ASSIGN(auto digest, expected_digest(src, m_o.all, m_o.copy.platform));
  bool present = probe->has_manifest(digest);
  if (!present && job.dest.transport == reference::Transport::oci) present = probe->copied_from(digest);
  if (!present) return false;
  if (m_o.copy.remove_signatures) return true;
  auto sigs = src.get_signatures(std::nullopt);
  return sigs && sigs->empty();
}

// The job's source; an oci: layout image with a recorded Docker original serves that.
Result<transport::SourcePtr> open_job_source(const Job& job) {
  auto opened = transport::all::open_source(job.src.name, job.group->ctx);
  if (!opened) return fail(opened.error().wrap("initializing source " + job.src.name.str()));
  return with_original_manifests(std::move(*opened), job.src.name);
}

Result<transport::DestinationPtr> Runner::open_destination(const Job& job) {
  auto dest = transport::all::open_destination(job.dest, m_o.dest_ctx);
  if (!dest) return fail(dest.error().wrap("initializing destination " + job.dest.str()));
  if (job.dest.transport == reference::Transport::docker) {
    const auto& n = *job.dest.docker;
    return gate_destination(std::move(*dest), m_gate, "docker:" + n.domain, n.domain, n.path, nullptr);
  }
  if (job.dest.transport == reference::Transport::oci) {
    std::string scope = "oci:" + transport::resolve_path_explicit(job.dest.path);
    return gate_destination(std::move(*dest), m_gate, scope, "", "", &m_commit_mutex);
  }
  if (job.dest.transport == reference::Transport::dir)
    return gate_destination(std::move(*dest), m_gate, "dir:", "", "", nullptr);
  return std::move(*dest);
}

Result<JobResult> Runner::copy_job(const Job& job, ImageProgress& progress) {
  JobResult out;
  TRY(with_retry(job.group->ctx, [&]() -> Status {
    TRY_ASSIGN(auto src, open_job_source(job));
    TRY_ASSIGN(bool present, already_present(*src, job));
    if (present) {
      progress.line("Skipping: image already present at destination");
      TRY_ASSIGN(auto digest, expected_digest(*src, m_o.all, m_o.copy.platform));
      out.outcome = Outcome::skipped;
      out.digest = digest.str();
      return {};
    }
    TRY_ASSIGN(auto dest, open_destination(job));
    auto options = copy_options(job);
    TRY_ASSIGN(auto result, copy::copy_image(*src, *dest, options, progress));
    if (job.dest.transport == reference::Transport::oci) {
      TRY_ASSIGN(auto source_digest, expected_digest(*src, m_o.all, m_o.copy.platform));
      std::lock_guard lock(m_commit_mutex);
      if (auto st = record_oci_source(job.dest, source_digest); !st)
        log::warning("recording the source of " + job.dest.str() + ": " + st.error().what());
      else if (auto kept = keep_original_manifests(*src, job.dest, m_o.all); !kept)
        log::warning("keeping the original manifest of " + job.dest.str() + ": " + kept.error().what());
    }
    out.outcome = Outcome::copied;
    out.digest = result.manifest_digest.str();
    return {};
  }));
  out.transferred = progress.transferred();
  out.present = progress.present();
  return out;
}

Result<JobResult> Runner::plan_job(const Job& job) {
  JobResult out;
  ImagePlan plan;
  TRY(with_retry(job.group->ctx, [&]() -> Status {
    TRY_ASSIGN(auto src, open_job_source(job));
    auto probe = make_probe(job.dest, m_o.dest_ctx);
    TRY_ASSIGN(plan, plan_image(*src, *probe, m_o.all, m_o.copy.platform));
    return {};
  }));
  out.outcome = plan.up_to_date ? Outcome::skipped : Outcome::copied;
  out.transferred = plan.bytes_to_transfer;
  out.present = plan.bytes_present;
  if (!m_o.quiet) {
    std::lock_guard lock(m_out_mutex);
    fmt::print(m_o.out, "{} -> {}: {}\n", job.src.name.str(), job.dest.str(), describe(plan));
    std::fflush(m_o.out);
  }
  return out;
}

Status Runner::write_digestfile() const {
  std::string text;
  for (size_t i = 0; i < m_jobs.size(); ++i) {
    const auto& r = m_results[i];
    if (r.outcome == Outcome::copied || r.outcome == Outcome::skipped)
      text += fmt::format("{} {}\n", r.digest, m_jobs[i].dest.str());
  }
  auto st = write_file(m_o.digestfile, text);
  if (!st) return fail(st.error().wrap(fmt::format("Failed to write digest to file {}", go_quote(m_o.digestfile))));
  return {};
}

Status Runner::finish(Summary* summary, double seconds) {
  Summary s;
  s.seconds = seconds;
  std::optional<size_t> first_failure;
  for (size_t i = 0; i < m_jobs.size(); ++i) {
    const auto& r = m_results[i];
    s.copied += r.outcome == Outcome::copied;
    s.skipped += r.outcome == Outcome::skipped;
    s.failed += r.outcome == Outcome::failed;
    s.bytes_transferred += r.transferred;
    s.bytes_present += r.present;
    if (r.outcome == Outcome::failed && !first_failure) first_failure = i;
  }
  if (summary) *summary = s;
  if (!m_o.digestfile.empty() && !m_o.dry_run) TRY(write_digestfile());
  if (first_failure && !m_o.keep_going && !m_o.dry_run) {
    const Job& job = m_jobs[*first_failure];
    return fail(m_results[*first_failure].error->wrap(fmt::format("Error copying ref {}", go_quote(job.src.name.str()))));
  }
  size_t synced = m_o.dry_run ? m_jobs.size() : s.copied + s.skipped;
  log::info(fmt::format("{} {} images from {} sources", m_o.dry_run ? "Would have synced" : "Synced", synced,
                        m_groups.size()));
  log::info(m_o.dry_run ? "Sync plan" : "Sync summary",
            {{"copied", std::to_string(s.copied)}, {"skipped", std::to_string(s.skipped)},
             {"failed", std::to_string(s.failed)}, {"bytes_transferred", std::to_string(s.bytes_transferred)},
             {"bytes_present", std::to_string(s.bytes_present)}, {"seconds", fmt::format("{:.2f}", s.seconds)}});
  for (size_t i = 0; i < m_jobs.size(); ++i) {
    if (m_results[i].outcome == Outcome::failed) log::error("Not synced", {{"ref", m_jobs[i].src.name.str()}});
  }
  if (s.failed == 0) return {};
  return fail(ErrorKind::invalid_input, "Sync failed due to previous reported error(s) for one or more images");
}

Status Runner::run(Summary* summary) {
  auto start = std::chrono::steady_clock::now();
  TRY(with_retry(m_o.src_ctx, [&]() -> Status {
    TRY_ASSIGN(m_groups, enumerate_sources(m_o.src_kind, m_o.source, m_o.src_ctx));
    return {};
  }));
  TRY(build_jobs());
  if (m_o.dry_run) log::warning("Running in dry-run mode");
  if (!m_o.digestfile.empty() && !m_o.dry_run) {
    auto st = write_file(m_o.digestfile, "");
    if (!st) return fail(st.error().wrap("Error creating digest file"));
  }
  size_t workers = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(std::max(m_o.jobs, 1)), m_jobs.size()));
  {
    std::vector<std::jthread> threads;
    for (size_t w = 1; w < workers; ++w) threads.emplace_back([this] { work(); });
    work();
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return finish(summary, took.count());
}

} // namespace

Status run(const Options& opts, Summary* summary) {
  Runner runner(opts);
  return runner.run(summary);
}

} // namespace hoist::sync
