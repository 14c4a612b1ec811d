// `zcdp profile` and `zcdp explain`: read the identity graph the `identity` step wrote.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "zcdp/app/profile.h"

#include "cli/cli.h"
#include "cli/flags.h"
#include "cli/result_format.h"

namespace zcdp::cli {
namespace {

// A profile identifier as JSON. Rows of sources without a timestamp have no time: null
// rather than "".
nlohmann::ordered_json IdentifierJson(const ProfileIdentifier& i) {
  const auto time = [](const std::string& t) {
    return t.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(t);
  };
  return {{"type", i.id_type},
          {"value", i.id_value},
          {"first_seen", time(i.first_seen)},
          {"last_seen", time(i.last_seen)},
          {"sources", i.source_count}};
}

nlohmann::ordered_json ProfileJson(const app::Profile& profile) {
  nlohmann::ordered_json ids = nlohmann::ordered_json::array();
  for (const auto& i : profile.identifiers) ids.push_back(IdentifierJson(i));
  nlohmann::ordered_json traits = nlohmann::ordered_json::object();
  for (const auto& t : profile.traits) traits[t.name] = ValueToJson(t.value);
  nlohmann::ordered_json audiences = nlohmann::ordered_json::array();
  for (const auto& a : profile.audiences) {
    audiences.push_back({{"audience", a.audience}, {"since", a.since}});
  }
  return {{"profile_id", profile.profile_id},
          {"identifiers", ids},
          {"traits", traits},
          {"audiences", audiences}};
}

int RunProfile(const GlobalOptions& global, const std::string& arg) {
  OpenedProject opened;
  const int code = OpenProject(global.project, Access::kReadOnly, /*validate=*/false, &opened);
  if (code != kExitOk) return code;
  Result<app::ProfileLookup> lookup = app::LookupProfile(opened, arg);
  if (!lookup.ok()) return Fail(lookup.status());
  if (!lookup->profile) {
    std::fprintf(stderr, "zcdp: no profile holds %s:%s (zcdp explain tells why)\n",
                 lookup->id.id_type.c_str(), lookup->id.value.c_str());
    return kExitFailed;
  }
  std::printf("%s\n", ProfileJson(*lookup->profile).dump(2).c_str());
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
  Result<app::ExplainResult> explained = app::ExplainIdentifiers(opened, a_arg, b_arg);
  if (!explained.ok()) return Fail(explained.status());
  const IdentifierRef* a = &explained->a;
  const IdentifierRef* b = &explained->b;
  const Explanation* e = &explained->explanation;
  if (e->joined) {
    PrintChain(*e);
    return kExitOk;
  }
  for (const auto& [id, profile] : {std::pair{a, &e->profile_a}, std::pair{b, &e->profile_b}}) {
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
  cmd->add_option("identifier", *arg, "TYPE:VALUE, e.g. email:jane@example.com")
      ->required()
      ->check(IdentifierArg());
  cmd->callback(
      [&global, action, arg] { *action = [&global, arg] { return RunProfile(global, *arg); }; });
}

void AddExplainCommand(CLI::App& app, GlobalOptions& global, Action* action) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Show the chain of source rows that joins two identifiers into one profile, or what "
      "(a guardrail, a quarantined value) kept them apart.");
  cmd->add_option("identifiers", *args, "two identifiers as TYPE:VALUE")
      ->required()
      ->expected(2)
      ->check(IdentifierArg());
  cmd->callback([&global, action, args] {
    *action = [&global, args] { return RunExplain(global, (*args)[0], (*args)[1]); };
  });
}

}  // namespace zcdp::cli
