#include "zcdp/app/audience.h"

#include <map>

#include "zcdp/common/suggest.h"
#include "zcdp/sql/dialect.h"

namespace zcdp::app {
namespace {

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

// The canonical text of a condition when it is bound, else the text as written.
std::string ConditionText(const OpenedProject& opened, const AudienceConfig& a) {
  const expr::BoundAudience* bound =
      opened.conditions ? opened.conditions->FindAudience(a.name.value) : nullptr;
  return bound != nullptr ? bound->text : a.where.value;
}

// The compiled SQL reads traits from <output_schema>.profiles, which the traits step creates.
Status RequireProfiles(const Project& project, Warehouse& wh) {
  ZCDP_ASSIGN_OR_RETURN(bool exists, OutputTableExists(project, wh, "profiles"));
  if (exists) return Status::Ok();
  return Status::NotFound("there are no profiles yet (" + project.warehouse.output_schema +
                          ".profiles does not exist): run `zcdp run` first");
}

}  // namespace

Result<AudienceList> ListAudiences(const OpenedProject& opened) {
  ZCDP_ASSIGN_OR_RETURN(auto sizes, StoredSizes(opened.project, *opened.warehouse));
  AudienceList out;
  out.sized = sizes.has_value();
  for (const auto& a : opened.project.audiences) {
    AudienceListRow& r = out.rows.emplace_back();
    r.name = a.name.value;
    if (sizes) {
      auto it = sizes->find(r.name);
      r.size = it == sizes->end() ? 0 : it->second;
    }
    r.description = a.description ? a.description->value : "";
    r.condition = ConditionText(opened, a);
  }
  return out;
}

Result<std::string> AudienceSql(const OpenedProject& opened, const std::string& name) {
  ZCDP_RETURN_IF_ERROR(RequireConditions(opened));
  ZCDP_RETURN_IF_ERROR(CheckAudienceName(opened.project, name));
  const audience::Compiler compiler = AudienceCompiler(opened);
  return compiler.AudienceSql(name);
}

Result<int64_t> AudienceSize(const OpenedProject& opened, const std::string& name, bool live) {
  const Project& p = opened.project;
  Warehouse& wh = *opened.warehouse;
  ZCDP_ASSIGN_OR_RETURN(std::string sql, AudienceSql(opened, name));
  if (live) {
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
                  {Value::Text(name)});
}

Result<std::unique_ptr<QueryStream>> AudiencePreview(const OpenedProject& opened,
                                                     const std::string& name, int64_t limit) {
  Warehouse& wh = *opened.warehouse;
  const Dialect& d = wh.dialect();
  ZCDP_ASSIGN_OR_RETURN(std::string sql, AudienceSql(opened, name));
  ZCDP_RETURN_IF_ERROR(RequireProfiles(opened.project, wh));
  const std::string query = "SELECT p.* FROM " + OutputTable(opened.project, d, "profiles") +
                            " p WHERE p.profile_id IN (SELECT a.profile_id FROM (" + sql +
                            ") a) ORDER BY p.profile_id" + d.Limit(limit);
  return wh.Stream(query);
}

}  // namespace zcdp::app
