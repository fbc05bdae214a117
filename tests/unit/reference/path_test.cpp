// The error texts were recorded from skopeo 1.9.3 on the same layout
// (`skopeo copy dir:<path> …` → "Invalid source name dir:<path>: <error>"), run from
// inside the fixture directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "hoist/reference/path.hpp"

using namespace hoist;
using namespace hoist::reference;
namespace fs = std::filesystem;

namespace {

class ExplicitPath : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hoist-path-XXXXXX";
    m_root = fs::path(mkdtemp(tmpl));
    m_root = fs::canonical(m_root);
    fs::create_directory(m_root / "real");
    std::ofstream(m_root / "file").put('x');
    fs::create_directory_symlink("real", m_root / "link");
    fs::create_symlink("nowhere", m_root / "dangling");
    m_old = fs::current_path();
    fs::current_path(m_root);
  }
  void TearDown() override {
    fs::current_path(m_old);
    fs::remove_all(m_root);
  }
  std::string at(const std::string& rel) const { return (m_root / rel).string(); }

  fs::path m_root, m_old;
};

} // namespace

TEST_F(ExplicitPath, ErrorsLikeSkopeo) {
  struct Case {
    std::string path, error;
  } cases[] = {
      {"missing/x", "lstat " + at("missing") + ": no such file or directory"},
      {"missing/.", "lstat " + at("missing") + ": no such file or directory"},
      {"file/x", "lstat file/x: not a directory"},
      {"link/x/y", "lstat " + at("real/x") + ": no such file or directory"},
      {"dangling/x", "lstat " + at("nowhere") + ": no such file or directory"},
      {"dangling", "lstat " + at("nowhere") + ": no such file or directory"},
      {"/nonexistent/a/b", "lstat /nonexistent: no such file or directory"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    auto r = resolve_path_to_fully_explicit(c.path);
    ASSERT_FALSE(r) << *r;
    EXPECT_EQ(r.error().what(), c.error);
  }
}

TEST_F(ExplicitPath, Resolves) {
  EXPECT_EQ(resolve_path_to_fully_explicit("").value(), m_root.string());
  EXPECT_EQ(resolve_path_to_fully_explicit(".").value(), m_root.string());
  EXPECT_EQ(resolve_path_to_fully_explicit("./").value(), m_root.string());
  EXPECT_EQ(resolve_path_to_fully_explicit("..").value(), m_root.parent_path().string());
  EXPECT_EQ(resolve_path_to_fully_explicit("real/x").value(), at("real/x"));
  EXPECT_EQ(resolve_path_to_fully_explicit("link/x").value(), at("real/x"));
  EXPECT_EQ(resolve_path_to_fully_explicit("link").value(), at("real"));
  EXPECT_EQ(resolve_path_to_fully_explicit("link/..").value(), m_root.string());
  EXPECT_EQ(resolve_path_to_fully_explicit("real/.").value(), at("real"));
  EXPECT_EQ(resolve_path_to_fully_explicit(at("link") + "//x").value(), at("real/x"));
  EXPECT_EQ(resolve_path_to_fully_explicit("/").value(), "/");
}

TEST(CleanPath, MatchesGoFilepathClean) {
  // Cases from Go's path/filepath tests.
  const std::pair<const char*, const char*> cases[] = {
      {"", "."},          {"abc", "abc"},       {"abc/def", "abc/def"}, {"a/b/c", "a/b/c"},
      {".", "."},         {"..", ".."},         {"../..", "../.."},     {"../../abc", "../../abc"},
      {"/abc", "/abc"},   {"/", "/"},           {"abc/", "abc"},        {"/abc/", "/abc"},
      {"abc//def//ghi", "abc/def/ghi"},         {"//abc", "/abc"},      {"abc/./def", "abc/def"},
      {"/./abc/def", "/abc/def"},               {"abc/.", "abc"},       {"abc/def/ghi/../jkl", "abc/def/jkl"},
      {"abc/def/..", "abc"},                    {"abc/def/../..", "."}, {"/abc/def/../..", "/"},
      {"abc/def/../../..", ".."},               {"/abc/def/../../..", "/"},
      {"abc/def/../../../ghi/jkl/../../../mno", "../../mno"},     {"/../abc", "/abc"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(clean_path(in), want) << in;
}
