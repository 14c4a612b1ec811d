#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/generate_options.h"

namespace zcdp::cli {
namespace {

namespace fs = std::filesystem;

struct DemoOptions {
  GeneratorCliOptions gen;
  std::string dir = "zcdp-demo";
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

// Removes what an earlier demo wrote into DIR (only a directory that holds demo ground truth).
Status ClearEarlierDemo(const std::string& dir) {
  if (!fs::exists(fs::path(dir) / "truth" / "stats.json")) return Status::Ok();
  std::error_code ec;
  for (const char* name :
       {"warehouse.duckdb", "warehouse.duckdb.wal", "lake", "truth", "zcdp.yaml", ".zcdp"}) {
    fs::remove_all(fs::path(dir) / name, ec);
    if (ec)
      return Status::IoError("cannot remove earlier demo file in " + dir + ": " + ec.message());
  }
  return Status::Ok();
}

Status WriteProjectFile(const GeneratorOptions& options) {
  const fs::path path = fs::path(options.out_dir) / "zcdp.yaml";
  std::ofstream out(path);
  out << DemoProjectYaml(options);
  return out ? Status::Ok() : Status::IoError("cannot write " + path.string());
}

Status PrepareShop(DemoOptions& o) {
  ZCDP_RETURN_IF_ERROR(ResolveAsOf(o.gen));
  o.gen.generator.out_dir = o.dir;
  if (SameShopExists(o)) {
    std::printf("1. reusing the shop generated earlier in %s (delete it to start over)\n",
                o.dir.c_str());
    return Status::Ok();
  }
  ZCDP_RETURN_IF_ERROR(ClearEarlierDemo(o.dir));
  std::printf("1. generating a shop of %lld persons into %s\n",
              static_cast<long long>(o.gen.generator.profiles), o.dir.c_str());
  ZCDP_ASSIGN_OR_RETURN(GeneratorStats stats, GenerateWithProgress(o.gen.generator));
  PrintGeneratorStats(stats);
  return Status::Ok();
}

int RunDemo(DemoOptions o) {
  Status shop = PrepareShop(o);
  if (!shop.ok()) return Fail(shop);
  Status written = WriteProjectFile(o.gen.generator);
  if (!written.ok()) return Fail(written);
  const std::string project_file = (fs::path(o.dir) / "zcdp.yaml").string();
  std::printf("2. wrote the project file %s\n", project_file.c_str());
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
  cmd->callback([action, o] { *action = [o] { return RunDemo(*o); }; });
}

}  // namespace zcdp::cli
