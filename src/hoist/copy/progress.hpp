// What a copy reports on stdout (skopeo-compat.md §3.3). Off a terminal skopeo prints one
// line per step ("Copying blob sha256:…"); on a terminal it draws a bar per blob instead.
// The copy engine talks only to this interface, so the choice is made once by the caller.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "hoist/digest/digest.hpp"

namespace hoist::copy {

// Progress of one blob; called from the thread copying it.
class BlobProgress {
public:
  virtual ~BlobProgress() = default;
  virtual void add_bytes(uint64_t n) = 0;
  // The blob is complete: copied, or `skipped` because the destination has it.
  virtual void finish(bool skipped) = 0;
};

class Progress {
public:
  virtual ~Progress() = default;
  // A report line without its newline ("Writing manifest to image destination").
  virtual void line(std::string_view text) = 0;
  // A blob starts; `kind` is "blob" or "config"; size -1 when unknown. Thread-safe.
  virtual std::unique_ptr<BlobProgress> start_blob(std::string_view kind, const Digest& digest, int64_t size) = 0;
  // Brackets a set of concurrent blobs (skopeo's progress pool): bars are drawn between.
  virtual void begin_group() {}
  virtual void end_group() {}
};

// Prints nothing (-q).
std::unique_ptr<Progress> make_null_progress();
// skopeo's non-TTY output: plain lines, "Copying blob <digest>" when a blob starts.
std::unique_ptr<Progress> make_line_progress(std::FILE* out);
// Live bars redrawn in place (stdout is a terminal).
std::unique_ptr<Progress> make_bar_progress(std::FILE* out);
// Bars if `out` is a terminal, else lines; nothing when `quiet`.
std::unique_ptr<Progress> make_progress(std::FILE* out, bool quiet);

} // namespace hoist::copy
