// Hostile and random input never crashes, hangs or throws out of the loader.

#include <chrono>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "zcdp/model/project.h"

#include "unit/model/model_test_util.h"

namespace zcdp {
namespace {

using testing::kDesignProject;

// Parses and checks the contract: nullopt only together with an error.
void ParseOnce(const std::string& text) {
  Diagnostics diags("fuzz.yaml");
  std::optional<Project> p = ParseProject(text, "fuzz.yaml", "/p", diags);
  if (!p) {
    ASSERT_TRUE(diags.has_errors()) << "nullopt without a diagnostic for:\n" << text;
  }
  for (const auto& d : diags.all()) ASSERT_FALSE(d.message.empty());
}

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  std::string Mutate(std::string text) {
    const int steps = 1 + Below(4);
    for (int i = 0; i < steps && !text.empty(); ++i) MutateOnce(text);
    return text;
  }

 private:
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  char RandomChar() {
    static constexpr std::string_view kChars = "{}[]:,-&*!|>'\"#%@`?~ \n\t\\$0aZ_.(\x01\xff";
    return kChars[Below(kChars.size())];
  }

  // Lines of the text, for line-level mutations that keep most of the YAML meaningful.
  void MutateLines(std::string& text) {
    const size_t a = text.rfind('\n', Below(text.size()));
    const size_t start = a == std::string::npos ? 0 : a + 1;
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? end : end - start + 1);
    switch (Below(3)) {
      case 0:
        text.insert(Below(text.size()), line);
        break;  // duplicate a line
      case 1:
        text.erase(start, line.size());
        break;  // drop a line
      default:
        text.insert(start, std::string(Below(6), ' '));
        break;  // re-indent
    }
  }

  void MutateOnce(std::string& text) {
    const size_t at = Below(text.size());
    switch (Below(6)) {
      case 0:
        text.erase(at, 1 + Below(16));
        break;
      case 1:
        text.insert(at, 1, RandomChar());
        break;
      case 2:
        text[at] = RandomChar();
        break;
      case 3:
        text.resize(at);
        break;
      case 4:
        text.insert(at, text.substr(Below(text.size()), Below(64)));
        break;
      default:
        MutateLines(text);
        break;
    }
  }

  std::mt19937 rng_;
};

TEST(ProjectRobustnessTest, TwoThousandRandomMutationsNeverCrash) {
  Mutator mutator(20240611);
  size_t rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string text = mutator.Mutate(kDesignProject);
    ParseOnce(text);
    Diagnostics diags("fuzz.yaml");
    ParseProject(text, "fuzz.yaml", "/p", diags);
    rejected += diags.has_errors() ? 1 : 0;
  }
  // The mutations must exercise the error paths, not only the happy one.
  EXPECT_GT(rejected, 500u);
}

TEST(ProjectRobustnessTest, HostileInputsAreRejectedQuickly) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> inputs = {
      std::string(100000, '['),  // deep flow nesting
      std::string(100000, '{'),
      [] {  // deep block nesting
        std::string s;
        for (int i = 0; i < 3000; ++i) s += std::string(i, ' ') + "- \n";
        return s;
      }(),
      "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nsources: *c\n",
      "sources: *undefined\n",
      std::string("name: \0shop\n", 12),
      "name: \xff\xfe\n",
      "name: shop\nwarehouse: {path: x}\nidentity: {id_types: {e: {priority: "
      "99999999999999999999999}}}\nsources: []\n",
      "name: shop\nwarehouse: {path: x}\nidentity: {id_types: {e: {regex: '" +
          std::string(5000, '(') + "'}}}\n",
      "? [complex, key]\n: value\n",
      "--- a\n--- b\n",
      "%YAML 9.9\n---\nname: x\n",
      "!!binary x: y\n",
      "name: !!int shop\n",
      "audiences: [{name: a, where: 'in_audience(" + std::string(100000, ' ') + "'}]\n",
      std::string(5 << 20, 'a'),  // larger than any project file
  };
  for (const auto& text : inputs) ParseOnce(text);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(), 20);
}

TEST(ProjectRobustnessTest, OversizedInputIsRefusedWithAMessage) {
  Diagnostics diags("big.yaml");
  EXPECT_FALSE(ParseProject(std::string(5 << 20, 'a'), "big.yaml", "/p", diags));
  ASSERT_EQ(diags.all().size(), 1u);
  EXPECT_NE(diags.all()[0].message.find("too large"), std::string::npos);
}

}  // namespace
}  // namespace zcdp
