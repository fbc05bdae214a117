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

void BlobGate::publish(const std::string& key, Outcome outcome) {
  {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second->done) return;
    it->second->done = true;
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
    TRY_ASSIGN(bool reused, m_inner->try_reuse_blob(info));
    if (reused || !info.digest) return reused;
    std::string key = m_scope + "|" + info.digest->str();
    auto outcome = m_gate.claim_or_wait(key);
    if (!outcome) {
      std::lock_guard lock(m_mutex);
      m_claims.insert(key);
      return false;
    }
    if (!outcome->ok) return false;
    BlobInfo again = info;
    if (!outcome->repository.empty()) {
      again.source_registry = outcome->registry;
      again.source_repository = outcome->repository;
    }
    return m_inner->try_reuse_blob(again);
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
  void settle(const BlobInfo& info, bool ok) {
    if (!info.digest) return;
    std::string key = m_scope + "|" + info.digest->str();
    {
      std::lock_guard lock(m_mutex);
      if (!m_claims.erase(key)) return;
    }
    m_gate.publish(key, BlobGate::Outcome{ok, m_registry, m_repository});
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
