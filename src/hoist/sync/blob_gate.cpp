#include "hoist/sync/blob_gate.hpp"

namespace hoist::sync {

std::optional<BlobGate::Outcome> BlobGate::claim_or_wait(const std::string& key) {
  std::unique_lock lock(m_mutex);
  auto it = m_entries.find(key);
  if (it == m_entries.end()) {
    m_entries.emplace(key, std::make_shared<Entry>());
    return std::nullopt;
  }
  std::shared_ptr<Entry> entry = it->second;
  m_cv.wait(lock, [&] { return entry->done; });
  return entry->outcome;
}

std::optional<BlobGate::Outcome> BlobGate::known(const std::string& key) {
  std::unique_lock lock(m_mutex);
  auto it = m_entries.find(key);
  if (it == m_entries.end()) return std::nullopt;
  std::shared_ptr<Entry> entry = it->second;
  m_cv.wait(lock, [&] { return entry->done; });
  if (!entry->outcome.ok) return std::nullopt;
  return entry->outcome;
}

void BlobGate::add_location(const std::string& key, const std::string& registry, const std::string& repository) {
  std::lock_guard lock(m_mutex);
  auto& entry = m_entries[key];
  if (!entry) {
    entry = std::make_shared<Entry>();
    entry->done = true;
  }
  // An upload in flight keeps its owner and waiters; a successful publish() keeps this.
  if (!entry->done) {
    entry->outcome.repositories.insert(repository);
    return;
  }
  entry->outcome.ok = true;
  entry->outcome.registry = registry;
  entry->outcome.repositories.insert(repository);
}

void BlobGate::publish(const std::string& key, Outcome outcome) {
  {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second->done) return;
    it->second->done = true;
    if (outcome.ok) outcome.repositories.merge(it->second->outcome.repositories);
    it->second->outcome = outcome;
    // A failed upload forgets the key, so the next image to need it becomes its owner.
    if (!outcome.ok) m_entries.erase(it);
  }
  m_cv.notify_all();
}

namespace {

using transport::BlobInfo;

class GatedDestination final : public transport::ImageDestination {
public:
  GatedDestination(transport::DestinationPtr inner, BlobGate& gate, std::string scope, std::string registry,
                   std::string repository, std::mutex* commit_mutex)
      : m_inner(std::move(inner)), m_gate(gate), m_scope(std::move(scope)), m_registry(std::move(registry)),
        m_repository(std::move(repository)), m_commit_mutex(commit_mutex) {}
  ~GatedDestination() override { release_all(); }

  std::string description() const override { return m_inner->description(); }
  std::vector<std::string> supported_manifest_types() const override { return m_inner->supported_manifest_types(); }
  bool supports_signatures() const override { return m_inner->supports_signatures(); }
  std::string signatures_unsupported_reason() const override { return m_inner->signatures_unsupported_reason(); }
  bool supports_lists() const override { return m_inner->supports_lists(); }
  transport::LayerCompression desired_layer_compression() const override {
    return m_inner->desired_layer_compression();
  }
  bool thread_safe_put_blob() const override { return m_inner->thread_safe_put_blob(); }
  bool accepts_foreign_layer_urls() const override { return m_inner->accepts_foreign_layer_urls(); }

  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    if (!info.digest) return m_inner->try_reuse_blob(info);
    std::string key = m_scope + "|" + info.digest->str();
    // On a registry, what the gate knows (or will know once another image's upload of the
    // blob ends) saves the HEAD; a local check is cheaper than that.
    if (!m_repository.empty()) {
      if (auto seen = m_gate.known(key)) {
        TRY_ASSIGN(bool reused, reuse_known(info, key, *seen));
        if (reused) return true;
      }
    }
    TRY_ASSIGN(bool reused, m_inner->try_reuse_blob(info));
    if (reused) {
      note_location(key);
      return true;
    }
    auto outcome = m_gate.claim_or_wait(key);
    if (!outcome) {
      std::lock_guard lock(m_mutex);
      m_claims.insert(key);
      return false;
    }
    if (!outcome->ok) return false;
    return reuse_known(info, key, *outcome);
  }

  // The copy engine sends configs without asking first; gate them like layers, so
  // images sharing a config upload it once and mount it elsewhere.
  Result<BlobInfo> put_blob(Reader& stream, const BlobInfo& info, bool is_config) override {
    if (is_config && info.digest) {
      TRY_ASSIGN(bool reused, try_reuse_blob(info));
      if (reused) return info;
    }
    auto r = m_inner->put_blob(stream, info, is_config);
    settle(info, r.has_value());
    return r;
  }
  Result<BlobInfo> put_blob_reopenable(const std::function<Result<ReaderPtr>()>& reopen, const BlobInfo& info,
                                       bool is_config) override {
    if (is_config && info.digest) {
      TRY_ASSIGN(bool reused, try_reuse_blob(info));
      if (reused) return info;
    }
    auto r = m_inner->put_blob_reopenable(reopen, info, is_config);
    settle(info, r.has_value());
    return r;
  }
  Status put_manifest(const std::string& bytes, const std::string& mime,
                      const std::optional<Digest>& instance) override {
    return m_inner->put_manifest(bytes, mime, instance);
  }
  Status put_signatures(const std::vector<std::string>& sigs, const std::optional<Digest>& instance) override {
    return m_inner->put_signatures(sigs, instance);
  }
  Status commit() override {
    release_all();
    if (!m_commit_mutex) return m_inner->commit();
    std::lock_guard lock(*m_commit_mutex);
    return m_inner->commit();
  }

private:
  // A blob the gate knows: linked from another image's file (dir:); on a registry present
  // when this repository holds it, else mounted straight from one that does; elsewhere (a
  // layout) the inner check decides.
  Result<bool> reuse_known(const BlobInfo& info, const std::string& key, const BlobGate::Outcome& seen) {
    if (!seen.file.empty()) {
      TRY_ASSIGN(bool linked, m_inner->reuse_blob_file(seen.file, info));
      if (linked) return true;
    }
    if (m_repository.empty() || seen.repositories.empty()) return m_inner->try_reuse_blob(info);
    if (seen.repositories.count(m_repository)) return true;
    BlobInfo mount = info;
    mount.source_registry = seen.registry;
    mount.source_repository = *seen.repositories.begin();
    mount.known_at_source = true;
    TRY_ASSIGN(bool reused, m_inner->try_reuse_blob(mount));
    if (reused) note_location(key);
    return reused;
  }

  void note_location(const std::string& key) {
    if (!m_repository.empty()) m_gate.add_location(key, m_registry, m_repository);
  }

  void settle(const BlobInfo& info, bool ok) {
    if (!info.digest) return;
    std::string key = m_scope + "|" + info.digest->str();
    {
      std::lock_guard lock(m_mutex);
      if (!m_claims.erase(key)) return;
    }
    BlobGate::Outcome outcome{ok, m_registry, {}, ""};
    if (ok && !m_repository.empty()) outcome.repositories.insert(m_repository);
    if (ok) outcome.file = m_inner->blob_file(*info.digest).value_or("");
    m_gate.publish(key, std::move(outcome));
  }

  void release_all() {
    std::set<std::string> claims;
    {
      std::lock_guard lock(m_mutex);
      claims.swap(m_claims);
    }
    for (const auto& k : claims) m_gate.publish(k, BlobGate::Outcome{});
  }

  transport::DestinationPtr m_inner;
  BlobGate& m_gate;
  std::string m_scope, m_registry, m_repository;
  std::mutex* m_commit_mutex;
  std::mutex m_mutex;
  std::set<std::string> m_claims;
};

} // namespace

transport::DestinationPtr gate_destination(transport::DestinationPtr inner, BlobGate& gate, std::string scope,
                                           std::string registry, std::string repository,
                                           std::mutex* commit_mutex) {
  return std::make_unique<GatedDestination>(std::move(inner), gate, std::move(scope), std::move(registry),
                                            std::move(repository), commit_mutex);
}

} // namespace hoist::sync
