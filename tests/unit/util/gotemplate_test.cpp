// Go text/template subset. Expected outputs were produced by `skopeo inspect --format T
// dir:D` (skopeo 1.9.3) on a hand-made image whose inspect output is `data()` below
// (minus LayersData, which 1.9.3 lacks); report funcs 1.9.3 does not have (json, join,
// upper, …) follow Go's documented semantics (strings.Join, encoding/json, …).
#include <gtest/gtest.h>

#include "hoist/util/gotemplate.hpp"

namespace gt = hoist::gotemplate;
using nlohmann::ordered_json;

namespace {

const char* k_digest = "sha256:f1734577b6f90cfeb5b286990e208df29b13cb5ec197d102bb253f668c402113";
const char* k_layer = "sha256:f9dd9dc2c444faf7a82137571dc929c588943a8d4eba0bbc4b8ce59e97ed20c8";

ordered_json data() {
  ordered_json d;
  d["Name"] = "";
  d["Tag"] = "";
  d["Digest"] = k_digest;
  d["RepoTags"] = ordered_json::array();
  d["Created"] = "2024-01-02T03:04:05.123456789Z";
  d["DockerVersion"] = "";
  d["Labels"] = {{"aa", "x y"}, {"zz", "1"}};
  d["Architecture"] = "amd64";
  d["Os"] = "linux";
  d["Layers"] = {k_layer};
  d["Env"] = {"PATH=/usr/bin", "A=b"};
  return d;
}

const gt::TypeHints& hints() {
  static const gt::TypeHints h{{{"RepoTags", gt::GoKind::slice},
                                {"Created", gt::GoKind::time},
                                {"Labels", gt::GoKind::map},
                                {"Layers", gt::GoKind::slice},
                                {"Env", gt::GoKind::slice}},
                               {}};
  return h;
}

std::string run(const std::string& format) {
  auto r = gt::format_report("skopeo inspect", format, data(), hints());
  return r ? *r : "ERROR: " + r.error().what();
}

} // namespace

TEST(GoTemplate, FieldsAndGoValuePrinting) {
  EXPECT_EQ(run("{{.Name}}"), "\n");
  EXPECT_EQ(run("{{.Labels}}"), "map[aa:x y zz:1]\n");
  EXPECT_EQ(run("{{.Env}}"), "[PATH=/usr/bin A=b]\n");
  EXPECT_EQ(run("{{.Created}}"), "2024-01-02 03:04:05.123456789 +0000 UTC\n");
  EXPECT_EQ(run("{{.Layers}}"), std::string("[") + k_layer + "]\n");
  EXPECT_EQ(run("{{.RepoTags}}"), "[]\n");
  EXPECT_EQ(run("{{.DockerVersion}}|{{.Tag}}"), "|\n");
  EXPECT_EQ(run("{{.Labels.aa}}"), "x y\n");
  EXPECT_EQ(run("{{.Labels.nope}}"), "<no value>\n");
  EXPECT_EQ(run("{{.Created.Year}}"), "2024\n");
  EXPECT_EQ(run("{{.}}"), std::string("{  ") + k_digest + " [] 2024-01-02 03:04:05.123456789 +0000 UTC  map[aa:x y zz:1] amd64 linux [" +
                              k_layer + "] [PATH=/usr/bin A=b]}\n");
}

TEST(GoTemplate, ControlFlowAndVariables) {
  EXPECT_EQ(run("{{range .Env}}[{{.}}]{{end}}"), "[PATH=/usr/bin][A=b]\n");
  EXPECT_EQ(run("{{range $i, $e := .Env}}{{$i}}={{$e}};{{end}}"), "0=PATH=/usr/bin;1=A=b;\n");
  EXPECT_EQ(run("{{if .Labels}}yes{{else}}no{{end}}"), "yes\n");
  EXPECT_EQ(run("{{if .RepoTags}}yes{{else if .Env}}env{{else}}no{{end}}"), "env\n");
  EXPECT_EQ(run("{{range .RepoTags}}x{{else}}none{{end}}"), "none\n");
  EXPECT_EQ(run("{{with .Os}}os={{.}}{{end}}"), "os=linux\n");
  EXPECT_EQ(run("{{$x := .Os}}{{$x}}"), "linux\n");
  EXPECT_EQ(run("{{ .Os -}}  x  {{- .Architecture }}"), "linuxxamd64\n");
  EXPECT_EQ(run("{{/* a comment */}}c"), "c\n");
  EXPECT_EQ(run("{{range .}}{{.Os}}{{end}}"), "linux\n"); // already ranges over . → not wrapped again
}

TEST(GoTemplate, Builtins) {
  EXPECT_EQ(run("{{index .Labels \"zz\"}}"), "1\n");
  EXPECT_EQ(run("{{index .Env 1}}"), "A=b\n");
  EXPECT_EQ(run("{{len .Layers}}"), "1\n");
  EXPECT_EQ(run("{{printf \"%s-%d\" .Os 5}}"), "linux-5\n");
  EXPECT_EQ(run("{{eq .Os \"linux\"}}"), "true\n");
  EXPECT_EQ(run("{{if and .Os (not .Tag)}}ok{{end}}"), "ok\n");
  EXPECT_EQ(run("{{len .Os}}"), "5\n");
  EXPECT_EQ(run("{{printf \"%q\" .Os}}"), "\"linux\"\n");
  EXPECT_EQ(run("{{with .Tag}}t{{else}}none{{end}}"), "none\n");
}

TEST(GoTemplate, ReportFuncs) {
  EXPECT_EQ(run("{{json .Labels}}"), "{\"aa\":\"x y\",\"zz\":\"1\"}\n");
  EXPECT_EQ(run("{{json .Env}}"), "[\"PATH=/usr/bin\",\"A=b\"]\n");
  EXPECT_EQ(run("{{join .Env \",\"}}"), "PATH=/usr/bin,A=b\n");
  EXPECT_EQ(run("{{.Architecture | upper}}"), "AMD64\n");
  EXPECT_EQ(run("{{lower \"AbC\"}}"), "abc\n");
  EXPECT_EQ(run("{{title \"hello big-world\"}}"), "Hello Big-World\n");
  EXPECT_EQ(run("{{split \"a:b:c\" \":\"}}"), "[a b c]\n");
  EXPECT_EQ(run("{{pad .Os 2 1}}|"), "  linux |\n");
  EXPECT_EQ(run("{{truncate .Digest 10}}"), "sha256:f17\n");
  EXPECT_EQ(run("{{json \"<&>\"}}"), "\"<&>\"\n"); // SetEscapeHTML(false)
}

TEST(GoTemplate, JsonOfStructHonoursOmitempty) {
  gt::TypeHints h = hints();
  h.omit_empty = {"Name", "Tag"};
  auto r = gt::format_report("skopeo inspect", "{{json .}}", data(), h);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->substr(0, 19), "{\"Digest\":\"sha256:f");
}

TEST(GoTemplate, FormatPreprocessing) {
  EXPECT_EQ(run("a\\tb\\nc"), "a\tb\nc\n");
  EXPECT_EQ(run("{{.Os}}\n"), "linux\n"); // no second newline
  EXPECT_TRUE(gt::is_json_format("json"));
  EXPECT_TRUE(gt::is_json_format(" {{ json }} "));
  EXPECT_TRUE(gt::is_json_format("{{json.}}"));
  EXPECT_FALSE(gt::is_json_format("{{json .}}")); // podman's regex: a template, compact JSON
  EXPECT_FALSE(gt::is_json_format("{{json .Labels}}"));
}

TEST(GoTemplate, ErrorsLikeGo) {
  EXPECT_EQ(run("{{.Foo}}"),
            "ERROR: template: skopeo inspect:1:14: executing \"skopeo inspect\" at <.Foo>: can't evaluate field Foo in type interface {}");
  EXPECT_EQ(run("{{.Layers.x}}"),
            "ERROR: template: skopeo inspect:1:21: executing \"skopeo inspect\" at <.Layers.x>: can't evaluate field x in type []string");
  EXPECT_EQ(run("{{foo}}"), "ERROR: template: skopeo inspect:1: function \"foo\" not defined");
  EXPECT_EQ(run("{{if}}"), "ERROR: template: skopeo inspect:1: missing value for if");
  EXPECT_EQ(run("{{range .Os}}x{{end}}"),
            "ERROR: template: skopeo inspect:1:20: executing \"skopeo inspect\" at <.Os>: range can't iterate over linux");
  EXPECT_EQ(run("{{index .Env 5}}"),
            "ERROR: template: skopeo inspect:1:14: executing \"skopeo inspect\" at <index .Env 5>: error calling index: index out of range: 5");
  EXPECT_EQ(run("{{.Created.Foo}}"),
            "ERROR: template: skopeo inspect:1:22: executing \"skopeo inspect\" at <.Created.Foo>: can't evaluate field Foo in type *time.Time");
  // skopeo replaces the \n escape inside actions too, so `{{"\n"}}` fails there ("unterminated
  // quoted string"); hoist leaves actions to Go's string escapes, and it prints a newline.
  EXPECT_EQ(run("{{\"\\n\"}}"), "\n\n");
  EXPECT_EQ(run("{{.Os}}{{\"\\t\"}}{{.Os}}\\n"), "linux\tlinux\n");
  // Newest podman report code does not wrap a format that already ranges over `.` (1.9.3 did).
  EXPECT_EQ(run("{{range .}}X{{end}}"), "X\n");
}

TEST(GoTemplate, TimeString) {
  EXPECT_EQ(gt::go_time_string("0001-01-01T00:00:00Z"), "0001-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(gt::go_time_string("2024-01-02T03:04:05.500Z"), "2024-01-02 03:04:05.5 +0000 UTC");
  EXPECT_EQ(gt::go_time_string("2024-01-02T03:04:05+02:00"), "2024-01-02 03:04:05 +0200 +0200");
}

TEST(GoTemplate, NilValuesByGoKind) {
  ordered_json d = {{"M", nullptr}, {"S", nullptr}, {"T", nullptr}};
  gt::TypeHints h{{{"M", gt::GoKind::map}, {"S", gt::GoKind::slice}, {"T", gt::GoKind::time}}, {}};
  auto r = gt::execute("t", "{{.M}} {{.S}} {{.T}} {{len .S}}", d, h);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(*r, "map[] [] <nil> 0");
}

TEST(GoTemplate, TableFormatsRefused) {
  EXPECT_EQ(run("table {{.Os}}"), "ERROR: table formats are not supported by hoist yet");
}
