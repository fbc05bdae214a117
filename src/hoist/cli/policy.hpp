// The trust policy (containers-policy.json(5)) as skopeo loads it in getPolicyContext:
// --insecure-policy, else --policy, else the default search path. Evaluation supports
// insecureAcceptAnything and reject; signature-based requirements are recognised but
// refused until signature verification exists, never silently accepted.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hoist/cli/command.hpp"
#include "hoist/reference/image_name.hpp"

namespace hoist::cli {

struct TrustPolicy {
  bool insecure = false;         // --insecure-policy
  nlohmann::json document;       // the parsed policy file
  std::string path;
};

// Loads the policy; errors are "Error loading trust policy: …" as skopeo prints them.
Result<TrustPolicy> load_trust_policy(const Globals& g);
// The scopes c/image tries for `image`, most specific first (without the "" scope).
std::vector<std::string> policy_scopes(const reference::ImageName& image);
// Checks the source image against the policy (IsRunningImageAllowed without signatures).
// Rejection: "Running image <name> is rejected by policy."
Status check_source_allowed(const TrustPolicy& policy, const reference::ImageName& image);

} // namespace hoist::cli
