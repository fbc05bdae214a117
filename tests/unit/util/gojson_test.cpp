// Expected strings are what Go's encoding/json produces (documented behaviour of
// json.Marshal / json.MarshalIndent, skopeo-compat.md §10).
#include "hoist/util/gojson.hpp"

#include <gtest/gtest.h>

using hoist::go_marshal;
using hoist::go_marshal_indent;
using json = nlohmann::ordered_json;

TEST(GoJson, KeepsInsertionOrderAndIsCompact) {
  json j = json::object();
  j["schemaVersion"] = 2;
  j["mediaType"] = "x";
  j["a"] = json::array({1, "b", nullptr, true, false});
  EXPECT_EQ(go_marshal(j), R"({"schemaVersion":2,"mediaType":"x","a":[1,"b",null,true,false]})");
}

TEST(GoJson, HtmlAndLineSeparatorEscapes) {
  EXPECT_EQ(hoist::go_json_string("a<b>&c"), R"("a\u003cb\u003e\u0026c")");
  EXPECT_EQ(hoist::go_json_string("\xe2\x80\xa8|\xe2\x80\xa9"), R"("\u2028|\u2029")");
  EXPECT_EQ(hoist::go_json_string("q\"\\/"), R"("q\"\\/")");
  EXPECT_EQ(hoist::go_json_string("\n\r\t\b\f\x01\x1f\x7f"), "\"\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
  EXPECT_EQ(hoist::go_json_string("é€😀"), "\"é€😀\"");
}

TEST(GoJson, InvalidUtf8BecomesReplacementChar) {
  EXPECT_EQ(hoist::go_json_string("a\xff" "b"), R"("a\ufffdb")");
  EXPECT_EQ(hoist::go_json_string("\xc3"), R"("\ufffd")");          // truncated
  EXPECT_EQ(hoist::go_json_string("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")"); // surrogate
  EXPECT_EQ(hoist::go_json_string("\xc0\xaf"), R"("\ufffd\ufffd")");  // overlong
}

TEST(GoJson, Numbers) {
  EXPECT_EQ(go_marshal(json(int64_t{-42})), "-42");
  EXPECT_EQ(go_marshal(json(uint64_t{18446744073709551615ULL})), "18446744073709551615");
  EXPECT_EQ(go_marshal(json(1.5)), "1.5");
  EXPECT_EQ(go_marshal(json(100.0)), "100");
  EXPECT_EQ(go_marshal(json(0.000001)), "0.000001");
  EXPECT_EQ(go_marshal(json(0.0000001)), "1e-7");
  EXPECT_EQ(go_marshal(json(1e21)), "1e+21");
  EXPECT_EQ(go_marshal(json(123456789012345678.0)), "123456789012345680");
  EXPECT_EQ(go_marshal(json(1.2e-10)), "1.2e-10");
  EXPECT_EQ(go_marshal(json(0.0)), "0");
}

TEST(GoJson, MarshalIndent) {
  json j = json::object();
  j["Name"] = "n";
  j["Tags"] = json::array();
  j["Labels"] = json::object();
  j["L"] = json::array({json::object({{"a", 1}}), 2});
  j["N"] = nullptr;
  EXPECT_EQ(go_marshal_indent(j, "", "    "),
            "{\n    \"Name\": \"n\",\n    \"Tags\": [],\n    \"Labels\": {},\n    \"L\": [\n        {\n"
            "            \"a\": 1\n        },\n        2\n    ],\n    \"N\": null\n}");
  EXPECT_EQ(go_marshal_indent(json::object({{"k", "a,b:{c}[\"]"}}), ">", "\t"),
            "{\n>\t\"k\": \"a,b:{c}[\\\"]\"\n>}");
  EXPECT_EQ(go_marshal_indent(json::array(), "", "  "), "[]");
}

TEST(GoJson, SortedMapsAndArrays) {
  EXPECT_EQ(go_marshal(hoist::sorted_map_json({{"b", "1"}, {"a", "2"}, {"B", "3"}})), R"({"B":"3","a":"2","b":"1"})");
  EXPECT_EQ(go_marshal(hoist::sorted_map_json({})), "{}");
  EXPECT_EQ(go_marshal(hoist::string_array_json({})), "[]");
  json nested = json::parse(R"({"z":{"y":1,"x":[{"b":1,"a":2}]},"a":0})");
  EXPECT_EQ(go_marshal(hoist::sort_keys_recursively(nested)), R"({"a":0,"z":{"x":[{"a":2,"b":1}],"y":1}})");
}
