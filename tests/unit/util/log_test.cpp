#include <gtest/gtest.h>

#include "hoist/util/log.hpp"
#include "hoist/util/strings.hpp"

using namespace hoist;

TEST(GoQuote, EscapesLikeStrconvQuote) {
  EXPECT_EQ(go_quote("plain"), "\"plain\"");
  EXPECT_EQ(go_quote("a \"b\"\n\t\\"), "\"a \\\"b\\\"\\n\\t\\\\\"");
  EXPECT_EQ(go_quote(std::string("\x01", 1)), "\"\\x01\"");
  EXPECT_EQ(go_quote("h\xc3\xa9"), "\"h\xc3\xa9\"");   // printable UTF-8 kept
  EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");            // invalid UTF-8 escaped
}

TEST(Log, PlainFormatQuotesOnlyWhenNeeded) {
  EXPECT_EQ(log::format_line(log::Level::fatal, "Invalid image name", {}, false, "2026-01-02T03:04:05Z"),
            "time=\"2026-01-02T03:04:05Z\" level=fatal msg=\"Invalid image name\"\n");
  EXPECT_EQ(log::format_line(log::Level::info, "done", {{"from", "docker://a/b:c"}, {"n", "3"}}, false, "T"),
            "time=\"T\" level=info msg=done from=\"docker://a/b:c\" n=3\n");
}

TEST(Log, TerminalFormat) {
  // logrus TextFormatter with colours: level colour, [seconds], message padded to 44, keys coloured
  EXPECT_EQ(log::format_line(log::Level::warning, "careful", {}, true, "0000"),
            "\x1b[33mWARN\x1b[0m[0000] careful" + std::string(44 - 7, ' ') + " \n");
  EXPECT_EQ(log::format_line(log::Level::fatal, "bad\n", {{"ref", "a b"}}, true, "0012"),
            "\x1b[31mFATA\x1b[0m[0012] bad" + std::string(41, ' ') + "  \x1b[31mref\x1b[0m=\"a b\"\n");
}
