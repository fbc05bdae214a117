// In-flight blob deduplication across the images of one sync. When several images
// headed for the same place (one registry, one OCI layout) need the same blob at the
// same time, the first to ask becomes its owner and uploads it; the others wait for
// that upload to finish and then reuse the blob (a HEAD in the same repository, a
// cross-repository mount in another one, a present file in a layout) instead of sending
// it again. A failed or abandoned upload releases the waiters, who then upload it
// themselves, so a wait never turns into a failure.
// The gate also remembers, for the rest of the sync, every repository where a blob is known
// to be (uploaded, mounted or found there). A later image asks nothing for a blob its
// repository is known to hold, and mounts one known elsewhere on the registry directly,
// without the HEADs it would otherwise send first. Images written to dir: directories link
// (or copy) the file another image of the sync stored instead of downloading it again.
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
    std::string registry;                // docker: the registry of `repositories`
    std::set<std::string> repositories;  // docker: where the blob is known to be
    std::string file;                    // dir: the owner's copy, for others to link
  };
  // nullopt: the caller is now the owner and must call publish(); else the finished
  // owner's outcome (after waiting for it).
  std::optional<Outcome> claim_or_wait(const std::string& key);
  void publish(const std::string& key, Outcome outcome);
  // The outcome of a finished, successful upload of `key` (or of a blob found or mounted),
  // waiting first if another image is uploading it, never claiming; nullopt when nothing is
  // known or the upload failed.
  std::optional<Outcome> known(const std::string& key);
  // Records that `repository` on `registry` holds the blob `key`.
  void add_location(const std::string& key, const std::string& registry, const std::string& repository);

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
