// The trust policy (containers-policy.json(5)), evaluated on the source image before a
// copy reads anything but its manifest type. Supported: insecureAcceptAnything and
// reject; signedBy / sigstoreSigned are reported as unsupported rather than ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hoist/reference/image_name.hpp"
#include "hoist/util/result.hpp"

namespace hoist::copy {

struct PolicyRequirement {
  std::string type; // "insecureAcceptAnything", "reject", "signedBy", "sigstoreSigned"
};

struct Policy {
  std::vector<PolicyRequirement> default_requirements;
  // transport name → scope → requirements
  std::map<std::string, std::map<std::string, std::vector<PolicyRequirement>>> transports;
};

// {"default":[{"type":"insecureAcceptAnything"}]} (--insecure-policy).
Policy insecure_policy();
// Parses policy JSON; errors as c/image's InvalidPolicyFormatError texts.
Result<Policy> parse_policy(std::string_view bytes);
// --policy PATH, else $CONTAINERS_POLICY_JSON, ~/.config/containers/policy.json,
// /etc/containers/policy.json, /usr/share/containers/policy.json. Errors unwrapped
// (the CLI adds "Error loading trust policy: ").
Result<Policy> load_policy(const std::optional<std::string>& path);

// The image being evaluated: its policy identity and namespaces, and its name for messages.
struct PolicySubject {
  std::string transport;               // "docker", "dir", "oci", …
  std::string identity;                // docker: host/repo:tag or @digest; dir/oci: resolved path
  std::vector<std::string> namespaces; // most specific first, "" not included
  std::string image_name;              // "dir:/x", as the rejection message names it
};
PolicySubject policy_subject(const reference::ImageName& name);

struct PolicyCheck {
  Policy policy;
  PolicySubject subject;
};

// IsRunningImageAllowed: the requirements of the most specific matching scope must all
// accept. Error: "Running image dir:/x is rejected by policy." (the copy prefixes
// "Source image rejected: ").
Status check_policy(const PolicyCheck& check);

} // namespace hoist::copy
