// In-flight blob deduplication across the images of one sync. When several images
// headed for the same place (one registry, one OCI layout) need the same blob at the
// same time, the first to ask becomes its owner and uploads it; the others wait for
// that upload to finish and then reuse the blob (a HEAD in the same repository, a
// cross-repository mount in another one, a present file in a layout) instead of sending
// it again. A failed or abandoned upload releases the waiters, who then upload it
// themselves, so a wait never turns into a failure.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "hoist/transport/transport.hpp"

namespace hoist::sync {

class BlobGate {
public:
  struct Outcome {
    bool ok = false;
    std::string registry, repository; // where the owner put it (docker)
  };
  // nullopt: the caller is now the owner and must call publish(); else the finished
  // owner's outcome (after waiting for it).
  std::optional<Outcome> claim_or_wait(const std::string& key);
  void publish(const std::string& key, Outcome outcome);

private:
  struct Entry {
    bool done = false;
    Outcome outcome;
  };
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::map<std::string, std::shared_ptr<Entry>> m_entries;
};

// Decorates a destination with the gate. `scope` names the shared place ("docker:host",
// "oci:/layout"); `registry`/`repository` describe the destination for mounts (docker).
// `commit_mutex`, when set, serializes commit() (several images updating one index.json).
transport::DestinationPtr gate_destination(transport::DestinationPtr inner, BlobGate& gate, std::string scope,
                                           std::string registry, std::string repository,
                                           std::mutex* commit_mutex);

} // namespace hoist::sync
