// docs/output-schema.md describes every table and view of the registry (issue 15, item 12):
// a `### `name`` section per object that outlives its step, with a row per registered column.
// A failure prints the section as it should start, so that only the meanings need writing.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/step/output_tables.h"

namespace zcdp {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::filesystem::path(ZCDP_SOURCE_DIR) / "docs" / "output-schema.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string TypeWord(SqlType type) {
  switch (type) {
    case SqlType::kBoolean:
      return "boolean";
    case SqlType::kBigInt:
      return "bigint";
    case SqlType::kDouble:
      return "double";
    case SqlType::kText:
      return "text";
    case SqlType::kDate:
      return "date";
    case SqlType::kTimestamp:
      return "timestamp";
    case SqlType::kJson:
      return "json";
  }
  return "?";
}

// The name as the docs write it: a pattern's '*' stands for the source or destination name.
std::string DocName(const OutputTable& t) {
  if (t.name == "*") return "<destination>";
  if (!t.name.empty() && t.name.back() == '*')
    return t.name.substr(0, t.name.size() - 1) + "<name>";
  return t.name;
}

// The heading and column rows the section of `t` starts with.
std::string Skeleton(const OutputTable& t) {
  std::string out = "### `" + DocName(t) + "`\n\n| column | type | meaning |\n|---|---|---|\n";
  for (const auto& c : t.columns) {
    out += "| `" + c.name + "` | " + TypeWord(c.type) + " | |\n";
  }
  return out;
}

// The text of the section headed "### `name`", up to the next heading of that level.
std::string Section(const std::string& doc, const std::string& name) {
  const std::string heading = "\n### `" + name + "`";
  const size_t at = doc.find(heading);
  if (at == std::string::npos) return "";
  const size_t end = doc.find("\n### ", at + heading.size());
  return doc.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

TEST(OutputSchemaDoc, EveryRegisteredObjectAndColumnIsDocumented) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty());
  for (const OutputTable& t : OutputTables()) {
    if (t.kind == OutputKind::kScratch) continue;  // dropped within its step
    const std::string section = Section(doc, DocName(t));
    ASSERT_FALSE(section.empty()) << "docs/output-schema.md has no section for " << DocName(t)
                                  << "; it should start:\n\n"
                                  << Skeleton(t);
    for (const auto& c : t.columns) {
      EXPECT_NE(section.find("\n| `" + c.name + "` | " + TypeWord(c.type) + " | "),
                std::string::npos)
          << t.name << "." << c.name << " (" << TypeWord(c.type)
          << ") is not a row of its section; it should start:\n\n"
          << Skeleton(t);
    }
  }
}

}  // namespace
}  // namespace zcdp
