// `zcdp profile` and `zcdp explain`: read the identity graph the `identity` step wrote.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "zcdp/identity/explain.h"
#include "zcdp/sql/dialect.h"

#include "cli/cli.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

// The profile's traits from <out>.profiles and its audiences with the time it entered, when
// the traits and audiences steps have run (empty otherwise).
Result<std::pair<nlohmann::ordered_json, nlohmann::ordered_json>> TraitsAndAudiences(
    const Project& project, Warehouse& wh, const std::string& profile_id) {
  const Dialect& d = wh.dialect();
  const std::string schema = project.warehouse.output_schema;
  const std::string q = d.QuoteIdentifier(schema) + ".";
  nlohmann::ordered_json traits = nlohmann::ordered_json::object();
  nlohmann::ordered_json audiences = nlohmann::ordered_json::array();
  const auto exists = [&](const std::string& name) { return OutputTableExists(project, wh, name); };
  const std::vector<Value> id = {Value::Text(profile_id)};
  ZCDP_ASSIGN_OR_RETURN(bool has_profiles, exists("profiles"));
  if (has_profiles) {
    ZCDP_ASSIGN_OR_RETURN(QueryResult r,
                          wh.Query("SELECT * FROM " + q + d.QuoteIdentifier("profiles") +
                                       " WHERE profile_id = " + d.Placeholder(1),
                                   id));
    for (size_t c = 0; !r.rows.empty() && c < r.columns.size(); ++c) {
      if (r.columns[c].name != "profile_id") traits[r.columns[c].name] = ValueToJson(r.rows[0][c]);
    }
  }
  ZCDP_ASSIGN_OR_RETURN(bool has_members, exists("audience_membership"));
  if (has_members) {
    ZCDP_ASSIGN_OR_RETURN(
        QueryResult r,
        wh.Query("SELECT audience, since FROM " + q + d.QuoteIdentifier("audience_membership") +
                     " WHERE profile_id = " + d.Placeholder(1) + " ORDER BY audience",
                 id));
    for (const auto& row : r.rows) {
      audiences.push_back({{"audience", row[0].ToString()}, {"since", row[1].ToString()}});
    }
  }
  return std::make_pair(std::move(traits), std::move(audiences));
}

int RunProfile(const GlobalOptions& global, const std::string& arg) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  auto id = ResolveIdentifier(opened.project, arg);
  if (!id.ok()) return Fail(id.status());
  auto view = LookupProfile(opened.project, *opened.warehouse, *id);
  if (!view.ok()) return Fail(view.status());
  if (!*view) {
    std::fprintf(stderr, "zcdp: no profile holds %s:%s (zcdp explain tells why)\n",
                 id->id_type.c_str(), id->value.c_str());
    return kExitFailed;
  }
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (const auto& i : (*view)->identifiers) {
    // Rows of sources without a timestamp have no time: null rather than "".
    const auto time = [](const std::string& t) {
      return t.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t);
    };
    ids.push_back({{"type", i.id_type},
                   {"value", i.id_value},
                   {"first_seen", time(i.first_seen)},
                   {"last_seen", time(i.last_seen)},
                   {"sources", i.source_count}});
  }
  auto extra = TraitsAndAudiences(opened.project, *opened.warehouse, (*view)->profile_id);
  if (!extra.ok()) return Fail(extra.status());
  const nlohmann::ordered_json doc = {{"profile_id", (*view)->profile_id},
                                      {"identifiers", ids},
                                      {"traits", extra->first},
                                      {"audiences", extra->second}};
  std::printf("%s\n", doc.dump(2).c_str());
  return kExitOk;
}

void PrintChain(const Explanation& e) {
  std::printf("joined in profile %s by %zu link%s:\n", e.profile_a->c_str(), e.chain.size(),
              e.chain.size() == 1 ? "" : "s");
  for (const auto& l : e.chain) {
    std::printf("  %s:%s -- %s:%s\n      source %s, row %s (%lld row%s, %s .. %s)\n",
                l.from_type.c_str(), l.from_value.c_str(), l.to_type.c_str(), l.to_value.c_str(),
                l.source.c_str(), l.row_key.c_str(), static_cast<long long>(l.records),
                l.records == 1 ? "" : "s", l.first_seen.c_str(), l.last_seen.c_str());
  }
}

int RunExplain(const GlobalOptions& global, const std::string& a_arg, const std::string& b_arg) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  auto a = ResolveIdentifier(opened.project, a_arg);
  if (!a.ok()) return Fail(a.status());
  auto b = ResolveIdentifier(opened.project, b_arg);
  if (!b.ok()) return Fail(b.status());
  auto e = Explain(opened.project, *opened.warehouse, *a, *b);
  if (!e.ok()) return Fail(e.status());
  if (e->joined) {
    PrintChain(*e);
    return kExitOk;
  }
  for (const auto& [id, profile] : {std::pair{&*a, &e->profile_a}, std::pair{&*b, &e->profile_b}}) {
    std::printf("%s:%s is %s\n", id->id_type.c_str(), id->value.c_str(),
                *profile ? ("in profile " + **profile).c_str() : "in no profile");
  }
  std::printf("they are separate profiles\n");
  for (const auto& r : e->reasons) std::printf("  kept apart: %s\n", r.c_str());
  if (e->reasons.empty() && e->profile_a && e->profile_b) {
    std::printf("  no source row links them\n");
  }
  return kExitOk;
}

}  // namespace

void AddProfileCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto arg = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "profile", "Print the profile holding an identifier, as JSON (after `zcdp run`).");
  cmd->add_option("identifier", *arg, "TYPE:VALUE, e.g. email:jane@example.com")->required();
  cmd->callback(
      [&global, action, arg] { *action = [&global, arg] { return RunProfile(global, *arg); }; });
}

void AddExplainCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Show the chain of source rows that joins two identifiers into one profile, or what "
      "(a guardrail, a quarantined value) kept them apart.");
  cmd->add_option("identifiers", *args, "two identifiers as TYPE:VALUE")->required()->expected(2);
  cmd->callback([&global, action, args] {
    *action = [&global, args] { return RunExplain(global, (*args)[0], (*args)[1]); };
  });
}

}  // namespace zcdp::cli
