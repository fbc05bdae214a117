// hoist::cli::run end to end on argument handling (no I/O beyond stdout/stderr).
// Texts are skopeo's (1.9.3 for unchanged ones; newest where §0 says they differ).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hoist/cli/command.hpp"
#include "hoist/cli/run.hpp"
#include "hoist/util/log.hpp"

namespace {

struct Outcome {
  int rc;
  std::string out, err;
};

Outcome run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  hoist::log::set_terminal(false);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int rc = hoist::cli::run(static_cast<int>(argv.size()), argv.data());
  std::string out = testing::internal::GetCapturedStdout();
  std::string err = testing::internal::GetCapturedStderr();
  return {rc, out, err};
}

using testing::EndsWith;
using testing::HasSubstr;
using testing::StartsWith;

} // namespace

TEST(App, VersionUsesProgramName) {
  auto r = run({"/usr/bin/skopeo", "--version"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.out, "skopeo version 0.1.0\n");
  EXPECT_EQ(run({"hoist", "-v"}).out, "hoist version 0.1.0\n");
}

TEST(App, MissingAndUnknownCommands) {
  auto r = run({"skopeo"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.err, HasSubstr("level=fatal msg=\"Missing command 'skopeo COMMAND'\\nTry 'skopeo --help' for more information\"\n"));
  auto u = run({"skopeo", "cop"});
  EXPECT_THAT(u.err, HasSubstr("msg=\"Unrecognized command `skopeo cop`\\n\\nDid you mean this?\\n\\tcopy\\n\\nTry 'skopeo --help' for more information\""));
  auto b = run({"skopeo", "bogus"});
  EXPECT_THAT(b.err, HasSubstr("msg=\"Unrecognized command `skopeo bogus`\\nTry 'skopeo --help' for more information\""));
}

TEST(App, FlagErrorsAreFatal) {
  auto r = run({"skopeo", "copy", "--bogus", "a", "b"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.err, EndsWith("level=fatal msg=\"unknown flag: --bogus\"\n"));
  EXPECT_THAT(run({"skopeo", "copy", "--version"}).err, HasSubstr("unknown flag: --version")); // root-only flag
  EXPECT_THAT(run({"skopeo", "--command-timeout", "5", "copy"}).err,
              HasSubstr("invalid argument \\\"5\\\" for \\\"--command-timeout\\\" flag: time: missing unit in duration \\\"5\\\""));
}

TEST(App, HelpGoesToStdoutWithExitZero) {
  auto r = run({"skopeo", "inspect", "--help"});
  EXPECT_EQ(r.rc, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("Return low-level information about \"IMAGE-NAME\" in a registry/transport\n"));
  EXPECT_THAT(r.out, HasSubstr("\nUsage:\nskopeo inspect [command options] IMAGE-NAME\n\nExamples:\nskopeo inspect docker://"));
  EXPECT_THAT(r.out, HasSubstr("\n  -n, --no-tags                     Do not list the available tags from the repository in the output\n"));
  EXPECT_THAT(r.out, HasSubstr("      --manifest-digest algorithm   Algorithm to use"));
  EXPECT_THAT(r.out, EndsWith("\n\n"));
  EXPECT_EQ(run({"skopeo", "help", "inspect"}).out, r.out);
  auto root = run({"skopeo", "-h"});
  EXPECT_THAT(root.out, StartsWith("Various operations with container images and container image registries\n\nUsage:\n  skopeo [flags]\n"));
  EXPECT_THAT(root.out, HasSubstr("\n  generate-sigstore-key                         Generate a sigstore public/private key pair\n"));
  EXPECT_THAT(root.out, testing::Not(HasSubstr("untrusted-signature-dump"))); // hidden
}

TEST(App, ArgCountErrorPrintsHelpOnStderr) {
  auto r = run({"skopeo", "copy", "a"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, StartsWith("Container \"IMAGE-NAME\" uses a \"transport\":\"details\" format.\n"));
  EXPECT_THAT(r.err, EndsWith("level=fatal msg=\"Exactly two arguments expected\"\n"));
  auto i = run({"skopeo", "inspect"});
  EXPECT_EQ(i.err.find("Usage:"), std::string::npos); // inspect prints no help
  EXPECT_THAT(i.err, EndsWith("msg=\"Exactly one argument expected\"\n"));
}

TEST(App, GlobalFlagsAfterSubcommand) {
  auto r = run({"skopeo", "inspect", "--debug", "--insecure-policy", "--require-signed", "x"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.err, HasSubstr("msg=\"--insecure-policy and --require-signed are mutually exclusive\""));
  hoist::log::set_debug(false);
}

TEST(App, RawAndFormatConflict) {
  EXPECT_THAT(run({"skopeo", "inspect", "--raw", "-f", "{{.Name}}", "dir:/x"}).err,
              HasSubstr("msg=\"raw output does not support format option\""));
}

TEST(App, UnsupportedGlobalFlagsAreRefused) {
  auto r = run({"skopeo", "--tls-details", "/x.yaml", "inspect", "dir:/x"});
  EXPECT_EQ(r.rc, 1);
  EXPECT_THAT(r.err, HasSubstr("msg=\"--tls-details is not supported by hoist yet\""));
  EXPECT_THAT(run({"skopeo", "inspect", "--registries.d", "/d", "dir:/x"}).err,
              HasSubstr("--registries.d is not supported by hoist yet"));
}
