#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/generate_options.h"

namespace zcdp::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  GeneratorCliOptions gen;
  std::string dir = "zcdp-demo";
  bool force = false;  // --force: replace an earlier, different shop and rewrite zcdp.yaml
};

// True when DIR holds a shop generated earlier with the same size, seed and format.
bool SameShopExists(const DemoOptions& o) {
  std::ifstream in(fs::path(o.dir) / "truth" / "stats.json");
  if (!in) return false;
  const nlohmann::json stats = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (stats.is_discarded()) return false;
  const std::string format =
      o.gen.generator.format == GeneratorFormat::kParquet ? "parquet" : "duckdb";
  return stats.value("profiles", int64_t{-1}) == o.gen.generator.profiles &&
         stats.value("seed", uint64_t{0}) == o.gen.generator.seed &&
         stats.value("format", std::string()) == format &&
         (o.gen.as_of.empty() || stats.value("as_of", std::string()) == o.gen.as_of);
}

constexpr const char* kDemoEntries[] = {"warehouse.duckdb", "warehouse.duckdb.wal", "lake", "truth",
                                        ".zcdp"};

// The entries of DIR an earlier demo or generate wrote, and the user may since have changed.
std::vector<std::string> EarlierShop(const std::string& dir) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const char* name : kDemoEntries) {
    if (fs::exists(fs::path(dir) / name, ec)) found.emplace_back(name);
  }
  return found;
}

// Removes what an earlier demo wrote into DIR. Only with --force: the user may have added
// files to lake/ or tables to warehouse.duckdb.
Status ClearEarlierDemo(const std::string& dir) {
  std::error_code ec;
  for (const char* name : kDemoEntries) {
    fs::remove_all(fs::path(dir) / name, ec);
    if (ec)
      return Status::IoError("cannot remove earlier demo file in " + dir + ": " + ec.message());
  }
  return Status::Ok();
}

// Writes DIR/zcdp.yaml, unless one that differs from the demo's is there: the user may have
// edited it, so it is kept (and said so) unless `force`.
Status WriteProjectFile(const GeneratorOptions& options, bool force) {
  const fs::path path = fs::path(options.out_dir) / "zcdp.yaml";
  const std::string text = DemoProjectYaml(options);
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    const std::string existing((std::istreambuf_iterator<char>(in)), {});
    if (existing == text) {
      std::printf("2. the project file %s is the demo's\n", path.c_str());
      return Status::Ok();
    }
    if (!force) {
      std::printf(
          "2. kept the project file %s: it differs from the demo's (your edits?); `zcdp demo "
          "--force` rewrites it\n",
          path.c_str());
      return Status::Ok();
    }
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IoError("cannot write " + path.string());
  std::printf("2. wrote the project file %s\n", path.c_str());
  return Status::Ok();
}

Status PrepareShop(DemoOptions& o) {
  ZCDP_RETURN_IF_ERROR(ResolveAsOf(o.gen));
  o.gen.generator.out_dir = o.dir;
  if (SameShopExists(o)) {
    std::printf("1. reusing the shop generated earlier in %s (delete it to start over)\n",
                o.dir.c_str());
    return Status::Ok();
  }
  if (const std::vector<std::string> earlier = EarlierShop(o.dir); !earlier.empty()) {
    if (!o.force) {
      std::string names;
      for (const auto& n : earlier) names += (names.empty() ? "" : ", ") + n;
      return Status::AlreadyExists(
          o.dir + " holds a different shop (" + names +
          "), which may hold your own files or tables; it was left as it is. `zcdp demo "
          "--force` deletes those and generates anew, or choose another --dir");
    }
    ZCDP_RETURN_IF_ERROR(ClearEarlierDemo(o.dir));
  }
  std::printf("1. generating a shop of %lld persons into %s\n",
              static_cast<long long>(o.gen.generator.profiles), o.dir.c_str());
  ZCDP_ASSIGN_OR_RETURN(GeneratorStats stats, GenerateWithProgress(o.gen.generator));
  PrintGeneratorStats(stats);
  return Status::Ok();
}

int RunDemo(DemoOptions o) {
  Status shop = PrepareShop(o);
  if (!shop.ok()) return Fail(shop);
  Status written = WriteProjectFile(o.gen.generator, o.force);
  if (!written.ok()) return Fail(written);
  const std::string project_file = (fs::path(o.dir) / "zcdp.yaml").string();
  OpenedProject opened;
  int code = OpenProject(project_file, Access::kReadWrite, /*validate=*/true, &opened);
  if (code != kExitOk) return code;
  const Project* project = &opened.project;
  std::printf("3. validated it against the warehouse: %zu sources, all columns found\n",
              project->sources.size());
  std::printf("4. running the pipeline in the warehouse:\n");
  code = RunProject(*project, *opened.warehouse);
  if (code != kExitOk) return code;
  std::printf(
      "\nnext:\n  build/zcdp query -p %s \"SELECT * FROM %s.runs\"\n"
      "  build/zcdp validate -p %s\n"
      "  build/zcdp ledger -p %s          # where customer data went (the exports/ drop)\n",
      o.dir.c_str(), project->warehouse.output_schema.c_str(), o.dir.c_str(), o.dir.c_str());
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto o = std::make_shared<DemoOptions>();
  o->gen.generator.profiles = 10000;
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Generate the demo shop into an embedded DuckDB file, write its project file, validate "
      "it and run every pipeline stage that exists.");
  cmd->add_option("-d,--dir", o->dir, "demo directory (default ./zcdp-demo)")->type_name("DIR");
  AddGeneratorOptions(*cmd, o->gen);
  cmd->add_flag("--force", o->force,
                "replace what an earlier demo left in DIR when it differs from this one: delete "
                "warehouse.duckdb, lake/ (files you added included), truth/ and .zcdp/, and "
                "rewrite an edited zcdp.yaml; without it they are kept");
  cmd->callback([action, o] { *action = [o] { return RunDemo(*o); }; });
}

}  // namespace zcdp::cli
