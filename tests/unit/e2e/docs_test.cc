// The documentation against the program (issue 15, item 12): docs/cli.md has a section for
// every command `zcdp --help` lists, the README and docs link only to files of the repository,
// and the README's tour names identifiers that the default demo shop has.
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/command.h"
#include "support/temp_dir.h"

namespace zcdp {
namespace {

namespace fs = std::filesystem;
using testing::CommandsIn;
using testing::ReadFile;
using testing::RunZcdp;
using testing::ShellQuote;

const fs::path kRoot = fs::path(ZCDP_SOURCE_DIR);

TEST(CliDocs, EveryCommandHasASectionAndEverySubcommandIsDescribed) {
  const std::string doc = ReadFile(kRoot / "docs" / "cli.md");
  std::vector<std::string> headings;
  std::istringstream lines(doc);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0) headings.push_back(line);
  }
  const std::vector<std::string> commands = CommandsIn(RunZcdp("--help").out);
  ASSERT_GE(commands.size(), 11u);
  for (const std::string& command : commands) {
    const std::regex named("`zcdp " + command + "[ `]");
    bool found = false;
    for (const auto& h : headings) found = found || std::regex_search(h, named);
    EXPECT_TRUE(found) << "docs/cli.md has no '## ... `zcdp " << command << "...`' section";
    for (const std::string& sub : CommandsIn(RunZcdp(command + " --help").out)) {
      EXPECT_NE(doc.find("`zcdp " + command + " " + sub), std::string::npos)
          << "docs/cli.md does not describe `zcdp " << command << " " << sub << "`";
    }
  }
}

// Every markdown link target of `file` that is not a URL or an anchor.
std::vector<std::string> RelativeLinks(const std::string& text) {
  std::vector<std::string> out;
  const std::regex link(R"(\]\(([^)\s]+)\))");
  for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(Docs, LinksPointToFilesOfTheRepository) {
  std::vector<fs::path> files = {kRoot / "README.md"};
  for (const auto& e : fs::directory_iterator(kRoot / "docs")) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  const std::string root = fs::weakly_canonical(kRoot).string() + "/";
  for (const fs::path& file : files) {
    for (const std::string& target : RelativeLinks(ReadFile(file))) {
      if (target.rfind('#', 0) == 0) continue;  // an anchor of the same page
      const bool url = target.find("://") != std::string::npos;
      EXPECT_FALSE(url && file.filename() == "README.md")
          << "README.md links outside the repository: " << target;
      if (url) continue;
      const fs::path resolved =
          fs::weakly_canonical(file.parent_path() / target.substr(0, target.find('#')));
      EXPECT_EQ(resolved.string().rfind(root, 0), 0u)
          << file.filename() << " links outside the repository: " << target;
      EXPECT_TRUE(fs::exists(resolved)) << file.filename() << " links to a missing " << target;
    }
  }
}

// The README's `profile` and `explain` lines, with the demo directory replaced by `dir`.
std::vector<std::string> TourLines(const std::string& readme, const std::string& dir) {
  std::vector<std::string> out;
  std::istringstream lines(readme);
  for (std::string line; std::getline(lines, line);) {
    for (const char* command : {"profile", "explain"}) {
      const std::string prefix = std::string("build/zcdp ") + command + " -p zcdp-demo ";
      if (line.rfind(prefix, 0) != 0) continue;
      const std::string args = line.substr(prefix.size(), line.find('#') - prefix.size());
      out.push_back(std::string(command) + " -p " + ShellQuote(dir) + " " + args);
    }
  }
  return out;
}

TEST(ReadmeTour, IdentifiersItNamesExistInTheDefaultDemo) {
  testing::TempDir tmp("zcdp-readme-tour");
  const std::string dir = tmp.Sub("zcdp-demo");
  const std::vector<std::string> tour = TourLines(ReadFile(kRoot / "README.md"), dir);
  ASSERT_EQ(tour.size(), 2u) << "the README's tour should show profile and explain";
  const auto demo = RunZcdp("demo -q --dir " + ShellQuote(dir));  // the README's own flags
  ASSERT_EQ(demo.exit_code, 0) << demo.out << demo.err;
  for (const std::string& line : tour) {
    const auto r = RunZcdp(line);
    EXPECT_EQ(r.exit_code, 0) << line << "\n" << r.out << r.err;
    if (line.rfind("explain", 0) == 0) {
      EXPECT_NE(r.out.find("joined in profile"), std::string::npos) << line << "\n" << r.out;
    } else {
      EXPECT_NE(r.out.find("\"profile_id\""), std::string::npos) << line << "\n" << r.out;
    }
  }
}

}  // namespace
}  // namespace zcdp
