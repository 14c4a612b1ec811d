// `zcdp audience list|size|preview|sql`: look at the project's audiences. Read-only.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/suggest.h"
#include "zcdp/expr/ir.h"
#include "zcdp/sql/dialect.h"

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
  if (code == kExitOk && !opened->catalog) {
    return Fail(Status::Internal("the project was validated without a catalog"));
  }
  return code;
}

// NotFound naming the known audiences unless `name` is one of them.
Status CheckAudienceName(const Project& project, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& a : project.audiences) {
    if (a.name.value == name) return Status::Ok();
    names.push_back(a.name.value);
  }
  const std::string known =
      names.empty() ? "the project has no audiences" : "audiences: " + JoinNames(names);
  return Status::NotFound("unknown audience " + Quote(name) + DidYouMean(name, names) + "; " +
                          known);
}

std::string OutputTable(const Project& project, const Dialect& d, const std::string& name) {
  return d.QualifiedName(project.warehouse.output_schema, name);
}

// Members per audience from the last run, or nothing when audiences were never evaluated.
Result<std::optional<std::map<std::string, int64_t>>> StoredSizes(const Project& project,
                                                                  Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(bool exists, OutputTableExists(project, wh, "audience_membership"));
  if (!exists) return std::optional<std::map<std::string, int64_t>>();
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("SELECT audience, count(*) FROM " +
               OutputTable(project, wh.dialect(), "audience_membership") + " GROUP BY audience"));
  std::map<std::string, int64_t> sizes;
  for (const auto& row : r.rows) {
    const int64_t* n = std::get_if<int64_t>(&row[1].storage());
    sizes[row[0].ToString()] = n == nullptr ? 0 : *n;
  }
  return std::optional(std::move(sizes));
}

// The canonical text of a condition; the text as written if it does not parse (it did when the
// project was validated, so this is only a fallback).
std::string ConditionText(const AudienceConfig& a) {
  auto expr = expr::ParseCondition(a.where.value);
  return expr.ok() ? expr::Print(*expr) : a.where.value;
}

struct ListRow {
  std::string name;
  std::optional<int64_t> size;
  std::string description;
  std::string condition;
};

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
  auto sizes = StoredSizes(opened.project, *opened.warehouse);
  if (!sizes.ok()) return Fail(sizes.status());
  std::vector<ListRow> rows;
  for (const auto& a : opened.project.audiences) {
    ListRow& r = rows.emplace_back();
    r.name = a.name.value;
    if (*sizes) {
      auto it = (*sizes)->find(r.name);
      r.size = it == (*sizes)->end() ? 0 : it->second;
    }
    r.description = a.description ? a.description->value : "";
    r.condition = ConditionText(a);
  }
  PrintList(rows, sizes->has_value(), o.format);
  return kExitOk;
}

// The compiled membership SELECT of a known audience, as `zcdp run` compiles it.
Result<std::string> CompiledSql(const OpenedProject& opened, const std::string& name) {
  ZCDP_RETURN_IF_ERROR(CheckAudienceName(opened.project, name));
  const audience::Compiler compiler = AudienceCompiler(opened, AsOfClock().NowMicros());
  return compiler.AudienceSql(name);
}

// The compiled SQL reads traits from <output_schema>.profiles, which the traits step creates.
Status RequireProfiles(const Project& project, Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(bool exists, OutputTableExists(project, wh, "profiles"));
  if (exists) return Status::Ok();
  return Status::NotFound("there are no profiles yet (" + project.warehouse.output_schema +
                          ".profiles does not exist): run `zcdp run` first");
}

Result<int64_t> AudienceSize(const OpenedProject& opened, const AudienceOptions& o) {
  const Project& p = opened.project;
  Warehouse& wh = *opened.warehouse;
  ZCDP_ASSIGN_OR_RETURN(std::string sql, CompiledSql(opened, o.name));
  if (o.live) {
    ZCDP_RETURN_IF_ERROR(RequireProfiles(p, wh));
    return QueryInt(wh, "SELECT count(*) FROM (" + sql + ") q");
  }
  ZCDP_ASSIGN_OR_RETURN(bool exists, OutputTableExists(p, wh, "audience_membership"));
  if (!exists) {
    return Status::NotFound("audiences have not been evaluated yet (" + p.warehouse.output_schema +
                            ".audience_membership does not exist): run `zcdp run`, or add --live");
  }
  return QueryInt(wh,
                  "SELECT count(*) FROM " + OutputTable(p, wh.dialect(), "audience_membership") +
                      " WHERE audience = " + wh.dialect().Placeholder(1),
                  {Value::Text(o.name)});
}

int RunSize(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Result<int64_t> size = AudienceSize(opened, o);
  if (!size.ok()) return Fail(size.status());
  std::printf("%lld\n", static_cast<long long>(*size));
  return kExitOk;
}

int RunPreview(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Warehouse& wh = *opened.warehouse;
  const Dialect& d = wh.dialect();
  Result<std::string> sql = CompiledSql(opened, o.name);
  if (!sql.ok()) return Fail(sql.status());
  Status profiles = RequireProfiles(opened.project, wh);
  if (!profiles.ok()) return Fail(profiles);
  const std::string query = "SELECT p.* FROM " + OutputTable(opened.project, d, "profiles") +
                            " p WHERE p.profile_id IN (SELECT a.profile_id FROM (" + *sql +
                            ") a) ORDER BY p.profile_id" + d.Limit(o.limit);
  auto stream = wh.Stream(query);
  if (!stream.ok()) return Fail(stream.status());
  Result<int64_t> rows = WriteResult(**stream, o.format, o.limit, stdout);
  return rows.ok() ? kExitOk : Fail(rows.status());
}

int RunSql(const GlobalOptions& global, const AudienceOptions& o) {
  OpenedProject opened;
  const int code = OpenChecked(global, &opened);
  if (code != kExitOk) return code;
  Result<std::string> sql = CompiledSql(opened, o.name);
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
      ->check(CLI::PositiveNumber);
  AddFormatOption(*preview, o->format);
  CLI::App* sql = AddSub(*cmd, "sql",
                         "Print the SQL that selects an audience's members (one profile_id per "
                         "row), and nothing else.",
                         global, o, action, RunSql);
  sql->add_option("name", o->name, "the audience")->required();
}

}  // namespace zcdp::cli
