#include "zcdp/app/profile.h"

#include "zcdp/sql/dialect.h"

namespace zcdp::app {
namespace {

// The traits of `profile_id` from <out>.profiles, when the traits step has run.
Status ReadTraits(const Project& project, Warehouse& wh, Profile& profile) {
  const Dialect& d = wh.dialect();
  const std::string q = d.QuoteIdentifier(project.warehouse.output_schema) + ".";
  ZCDP_ASSIGN_OR_RETURN(bool has_profiles, OutputTableExists(project, wh, "profiles"));
  if (!has_profiles) return Status::Ok();
  ZCDP_ASSIGN_OR_RETURN(QueryResult r,
                        wh.Query("SELECT * FROM " + q + d.QuoteIdentifier("profiles") +
                                     " WHERE profile_id = " + d.Placeholder(1),
                                 {Value::Text(profile.profile_id)}));
  for (size_t c = 0; !r.rows.empty() && c < r.columns.size(); ++c) {
    if (r.columns[c].name != "profile_id") {
      profile.traits.push_back({r.columns[c].name, r.rows[0][c]});
    }
  }
  return Status::Ok();
}

// The audiences of `profile_id` with the time it entered, when the audiences step has run.
Status ReadAudiences(const Project& project, Warehouse& wh, Profile& profile) {
  const Dialect& d = wh.dialect();
  const std::string q = d.QuoteIdentifier(project.warehouse.output_schema) + ".";
  ZCDP_ASSIGN_OR_RETURN(bool has_members, OutputTableExists(project, wh, "audience_membership"));
  if (!has_members) return Status::Ok();
  ZCDP_ASSIGN_OR_RETURN(
      QueryResult r,
      wh.Query("SELECT audience, since FROM " + q + d.QuoteIdentifier("audience_membership") +
                   " WHERE profile_id = " + d.Placeholder(1) + " ORDER BY audience",
               {Value::Text(profile.profile_id)}));
  for (const auto& row : r.rows)
    profile.audiences.push_back({row[0].ToString(), row[1].ToString()});
  return Status::Ok();
}

}  // namespace

Result<ProfileLookup> LookupProfile(const OpenedProject& opened, const std::string& identifier) {
  const Project& project = opened.project;
  Warehouse& wh = *opened.warehouse;
  ProfileLookup out;
  ZCDP_ASSIGN_OR_RETURN(out.id, ResolveIdentifier(project, identifier));
  ZCDP_ASSIGN_OR_RETURN(std::optional<ProfileView> view, zcdp::LookupProfile(project, wh, out.id));
  if (!view) return out;
  Profile& profile = out.profile.emplace();
  profile.profile_id = std::move(view->profile_id);
  profile.identifiers = std::move(view->identifiers);
  ZCDP_RETURN_IF_ERROR(ReadTraits(project, wh, profile));
  ZCDP_RETURN_IF_ERROR(ReadAudiences(project, wh, profile));
  return out;
}

Result<ExplainResult> ExplainIdentifiers(const OpenedProject& opened, const std::string& a,
                                         const std::string& b) {
  ExplainResult out;
  ZCDP_ASSIGN_OR_RETURN(out.a, ResolveIdentifier(opened.project, a));
  ZCDP_ASSIGN_OR_RETURN(out.b, ResolveIdentifier(opened.project, b));
  ZCDP_ASSIGN_OR_RETURN(out.explanation, Explain(opened.project, *opened.warehouse, out.a, out.b));
  return out;
}

}  // namespace zcdp::app
