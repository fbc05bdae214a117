// The sync's blob gate: what later images ask of the destination once a blob is known.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "hoist/sync/blob_gate.hpp"
#include "hoist/util/io.hpp"

namespace hoist::sync {
namespace {

using transport::BlobInfo;

// Records every call; `present` decides try_reuse_blob, `file_ok` reuse_blob_file.
using Calls = std::shared_ptr<std::vector<std::string>>;

class RecordingDestination final : public transport::ImageDestination {
public:
  Calls log;
  bool present = false;
  bool file_ok = true;
  std::string file_root; // non-empty: blob_file() names a file here
  explicit RecordingDestination(Calls calls) : log(std::move(calls)) {}

  std::string description() const override { return "recording:"; }
  std::vector<std::string> supported_manifest_types() const override { return {}; }
  bool thread_safe_put_blob() const override { return true; }
  Result<bool> try_reuse_blob(const BlobInfo& info) override {
    log->push_back(info.known_at_source ? "mount " + info.source_repository : "check");
    return present || info.known_at_source;
  }
  Result<BlobInfo> put_blob(Reader&, const BlobInfo& info, bool) override {
    log->push_back("put");
    return info;
  }
  std::optional<std::string> blob_file(const Digest& d) const override {
    if (file_root.empty()) return std::nullopt;
    return file_root + "/" + d.hex();
  }
  Result<bool> reuse_blob_file(const std::string& file, const BlobInfo&) override {
    log->push_back("link " + file);
    return file_ok;
  }
  Status put_manifest(const std::string&, const std::string&, const std::optional<Digest>&) override { return {}; }
  Status commit() override { return {}; }
};

BlobInfo blob(const std::string& data) {
  BlobInfo info;
  info.digest = Digest::of(data);
  info.size = static_cast<int64_t>(data.size());
  return info;
}

// One image's destination: the gate around a recording destination; `calls` outlives moves.
struct Image {
  Calls log = std::make_shared<std::vector<std::string>>();
  RecordingDestination* inner = nullptr;
  transport::DestinationPtr dest;
  const std::vector<std::string>& calls() const { return *log; }
};

Image docker_image(BlobGate& gate, const std::string& repo) {
  Image img;
  auto inner = std::make_unique<RecordingDestination>(img.log);
  img.inner = inner.get();
  img.dest = gate_destination(std::move(inner), gate, "docker:reg", "reg", repo, nullptr);
  return img;
}

// A dir: image whose stored blobs are files under `root`.
Image dir_image(BlobGate& gate, const std::string& root = "") {
  Image img;
  auto inner = std::make_unique<RecordingDestination>(img.log);
  inner->file_root = root;
  img.inner = inner.get();
  img.dest = gate_destination(std::move(inner), gate, "dir:", "", "", nullptr);
  return img;
}

// try_reuse_blob on another thread, which typically blocks in the gate meanwhile.
struct Pending {
  std::optional<Result<bool>> got;
  std::jthread thread;
  Pending(Image& img, const BlobInfo& info) : thread([this, &img, &info] { got = img.dest->try_reuse_blob(info); }) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  bool result() {
    thread.join();
    EXPECT_TRUE(got && *got);
    return got && *got && **got;
  }
};

Status upload(Image& img, const BlobInfo& info) {
  TRY_ASSIGN(bool reused, img.dest->try_reuse_blob(info));
  if (reused) return fail(ErrorKind::internal, "unexpected reuse");
  MemoryReader r("x");
  TRY(img.dest->put_blob(r, info, false));
  return {};
}

TEST(BlobGate, AKnownBlobNeedsNoRequestInItsRepositoryAndADirectMountElsewhere) {
  BlobGate gate;
  auto layer = blob("layer");
  Image first = docker_image(gate, "ns/a");
  ASSERT_TRUE(upload(first, layer));
  EXPECT_EQ(first.calls(), (std::vector<std::string>{"check", "put"}));

  Image same = docker_image(gate, "ns/a");
  EXPECT_EQ(same.dest->try_reuse_blob(layer), true);
  EXPECT_TRUE(same.calls().empty());

  Image other = docker_image(gate, "ns/b");
  EXPECT_EQ(other.dest->try_reuse_blob(layer), true);
  EXPECT_EQ(other.calls(), (std::vector<std::string>{"mount ns/a"}));
  // and ns/b now counts as holding it too
  Image third = docker_image(gate, "ns/b");
  EXPECT_EQ(third.dest->try_reuse_blob(layer), true);
  EXPECT_TRUE(third.calls().empty());
}

TEST(BlobGate, ABlobFoundInARepositoryIsRememberedWithoutBlockingLaterImages) {
  BlobGate gate;
  auto layer = blob("pre-existing");
  Image found = docker_image(gate, "ns/a");
  found.inner->present = true;
  EXPECT_EQ(found.dest->try_reuse_blob(layer), true);
  EXPECT_EQ(found.calls(), (std::vector<std::string>{"check"}));
  // another repository mounts it from there at once (no wait for an owner that never comes)
  Image other = docker_image(gate, "ns/b");
  EXPECT_EQ(other.dest->try_reuse_blob(layer), true);
  EXPECT_EQ(other.calls(), (std::vector<std::string>{"mount ns/a"}));
}

TEST(BlobGate, AFailedUploadLetsTheNextImageUploadIt) {
  BlobGate gate;
  auto layer = blob("flaky");
  {
    Image failing = docker_image(gate, "ns/a");
    EXPECT_EQ(failing.dest->try_reuse_blob(layer), false); // claimed, then destroyed unsettled
  }
  Image next = docker_image(gate, "ns/b");
  EXPECT_EQ(next.dest->try_reuse_blob(layer), false);
  EXPECT_EQ(next.calls(), (std::vector<std::string>{"check"}));
}

TEST(BlobGate, AWaiterMountsWhatItsOwnerUploadedWithoutAskingFirst) {
  BlobGate gate;
  auto layer = blob("in flight");
  Image owner = docker_image(gate, "ns/a");
  ASSERT_EQ(owner.dest->try_reuse_blob(layer), false);
  Image waiter = docker_image(gate, "ns/b");
  // Usually the waiter is blocked in the gate by now; if not, it finds the upload finished.
  // Either way it sends no HEAD: it waits for the owner, then mounts from the owner's repository.
  Pending pending(waiter, layer);
  EXPECT_TRUE(waiter.calls().empty());
  MemoryReader r("x");
  ASSERT_TRUE(owner.dest->put_blob(r, layer, false));
  EXPECT_TRUE(pending.result());
  EXPECT_EQ(waiter.calls(), (std::vector<std::string>{"mount ns/a"}));
}

TEST(BlobGate, AWaiterUploadsItselfWhenTheOwnerGivesUp) {
  BlobGate gate;
  auto layer = blob("abandoned");
  auto owner = std::make_unique<Image>(docker_image(gate, "ns/a")); // the log is shared, so moving is safe
  ASSERT_EQ(owner->dest->try_reuse_blob(layer), false);
  Image waiter = docker_image(gate, "ns/b");
  Pending pending(waiter, layer);
  owner.reset(); // destroyed without uploading: the claim is released as failed
  EXPECT_FALSE(pending.result()); // now the waiter's to upload
  EXPECT_EQ(waiter.calls(), (std::vector<std::string>{"check"}));
}

TEST(BlobGate, DirImagesLinkTheFileAnotherImageStored) {
  BlobGate gate;
  auto layer = blob("dir layer");
  Image a = dir_image(gate, "/out/a");
  ASSERT_TRUE(upload(a, layer));
  Image b = dir_image(gate);
  EXPECT_EQ(b.dest->try_reuse_blob(layer), true);
  EXPECT_EQ(b.calls(), (std::vector<std::string>{"check", "link /out/a/" + layer.digest->hex()}));
}

TEST(BlobGate, ADirImageDownloadsWhenTheSharedFileIsGone) {
  BlobGate gate;
  auto layer = blob("gone");
  Image a = dir_image(gate, "/out/a");
  ASSERT_TRUE(upload(a, layer));
  Image b = dir_image(gate);
  b.inner->file_ok = false;
  EXPECT_EQ(b.dest->try_reuse_blob(layer), false);
  EXPECT_EQ(b.calls(), (std::vector<std::string>{"check", "link /out/a/" + layer.digest->hex(), "check"}));
}

} // namespace
} // namespace hoist::sync
