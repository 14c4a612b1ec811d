// `zcdp audience list|size|preview|sql`: look at the project's audiences. Read-only.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "zcdp/app/audience.h"

#include "cli/cli.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

struct AudienceOptions {
  std::string name;
  OutputFormat format = OutputFormat::kTable;
  bool live = false;
  int64_t limit = 20;
};

// Opens the project read-only after full validation: the compiler assumes checked conditions.
int OpenChecked(const GlobalOptions& global, OpenedProject* opened) {
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/true, opened);
  if (code != kExitOk) return code;
  const Status checked = app::RequireConditions(*opened);
  return checked.ok() ? kExitOk : Fail(checked);
}

using ListRow = app::AudienceListRow;

void PrintListTable(const std::vector<ListRow>& rows, bool sized) {
  size_t width = 8;
  for (const auto& r : rows) width = std::max(width, r.name.size());
  std::printf("%-*s  %8s  %s\n", static_cast<int>(width), "audience", "size", "description");
  for (const auto& r : rows) {
    const std::string size = r.size ? std::to_string(*r.size) : "-";
    std::printf("%-*s  %8s  %s\n    where %s\n", static_cast<int>(width), r.name.c_str(),
                size.c_str(), r.description.c_str(), r.condition.c_str());
  }
  std::printf("(%zu audience%s; %s)\n", rows.size(), rows.size() == 1 ? "" : "s",
              sized ? "sizes from the last `zcdp run`"
                    : "sizes: not run yet, `zcdp run` evaluates audiences");
}

void PrintList(const std::vector<ListRow>& rows, bool sized, OutputFormat format) {
  if (format == OutputFormat::kTable) return PrintListTable(rows, sized);
  if (format == OutputFormat::kCsv) {
    std::printf("audience,size,description,condition\n");
    for (const auto& r : rows) {
      std::printf("%s,%s,%s,%s\n", CsvField(r.name).c_str(),
                  r.size ? std::to_string(*r.size).c_str() : "", CsvField(r.description).c_str(),
                  CsvField(r.condition).c_str());
    }
    return;
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    doc.push_back({{"audience", r.name},
                   {"size", r.size ? nlohmann::ordered_json(*r.size) : nullptr},
                   {"description", r.description},
                   {"condition", r.condition}});
  }
  std::printf("%s\n", doc.dump(2).c_str());
}

int RunList(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Result<app::AudienceList> list = app::ListAudiences(opened);
  if (!list.ok()) return Fail(list.status());
  PrintList(list->rows, list->sized, o.format);
  return kExitOk;
}

int RunSize(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Result<int64_t> size = app::AudienceSize(opened, o.name, o.live);
  if (!size.ok()) return Fail(size.status());
  std::printf("%lld\n", static_cast<long long>(*size));
  return kExitOk;
}

int RunPreview(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  auto stream = app::AudiencePreview(opened, o.name, o.limit);
  if (!stream.ok()) return Fail(stream.status());
  Result<int64_t> rows = WriteResult(**stream, o.format, o.limit, stdout);
  return rows.ok() ? kExitOk : Fail(rows.status());
}

int RunSql(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Result<std::string> sql = app::AudienceSql(opened, o.name);
  if (!sql.ok()) return Fail(sql.status());
  std::printf("%s\n", sql->c_str());
  return kExitOk;
}

using Runner = int (*)(const GlobalOptions&, const AudienceOptions&);

// Adds `audience <name>`, which runs `run` with the shared options.
CLI::App* AddSub(CLI::App& parent, const std::string& name, const std::string& help,
                 GlobalOptions& global, const std::shared_ptr<AudienceOptions>& o, Action* action,
                 Runner run) {
  CLI::App* sub = parent.add_subcommand(name, help);
  sub->fallthrough();  // global options such as -p may follow the subcommand
  sub->callback(
      [&global, o, action, run] { *action = [&global, o, run] { return run(global, *o); }; });
  return sub;
}

}  // namespace

void AddAudienceCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto o = std::make_shared<AudienceOptions>();
  CLI::App* cmd = app.add_subcommand(
      "audience",
      "Inspect the project's audiences: list them, count or preview their members, print their "
      "SQL. Validates the project first; never writes to the warehouse.");
  cmd->require_subcommand(1);
  CLI::App* list = AddSub(*cmd, "list",
                          "Each audience with its size after the last run, its description and "
                          "its condition in canonical form.",
                          global, o, action, RunList);
  AddFormatOption(*list, o->format);
  CLI::App* size = AddSub(*cmd, "size",
                          "Print the number of members of an audience after the last run "
                          "(from <output_schema>.audience_membership).",
                          global, o, action, RunSize);
  size->add_option("name", o->name, "the audience")->required();
  size->add_flag("--live", o->live, "evaluate the audience now instead of reading the last run");
  CLI::App* preview = AddSub(*cmd, "preview",
                             "Evaluate an audience now and show its first members (by profile_id) "
                             "with every trait from <output_schema>.profiles.",
                             global, o, action, RunPreview);
  preview->add_option("name", o->name, "the audience")->required();
  preview->add_option("-n,--limit", o->limit, "members shown (default 20)")
      ->type_name("N")
      ->check(CLI::Validator(CLI::PositiveNumber).description(""));
  AddFormatOption(*preview, o->format);
  CLI::App* sql = AddSub(*cmd, "sql",
                         "Print the SQL that selects an audience's members (one profile_id per "
                         "row), and nothing else.",
                         global, o, action, RunSql);
  sql->add_option("name", o->name, "the audience")->required();
}

}  // namespace zcdp::cli
