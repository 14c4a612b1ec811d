#include "cli/flags.h"

#include <cstdio>

#include "zcdp/common/clock.h"
#include "zcdp/common/duration.h"
#include "zcdp/common/suggest.h"
#include "zcdp/warehouse/value.h"

#include "cli/cli.h"

namespace zcdp::cli {
namespace {

std::string Join(const std::vector<std::string>& words, const char* sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// True for "YYYY-MM-DD" naming a day that exists.
bool IsCalendarDate(const std::string& s) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return false;
  }
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1) return false;
  // A day past the month's end (2026-02-30) does not survive the round trip.
  return FormatDate(DaysFromCivil(y, m, d)) == s;
}

// The options of `app` that take a value, so that UnknownCommand skips their values.
bool TakesValue(const CLI::App& app, const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;
  for (const CLI::App* a = &app; a != nullptr; a = a->get_parent()) {
    const CLI::Option* opt = a->get_option_no_throw(arg);
    if (opt != nullptr) return opt->get_type_size_max() > 0;
  }
  return false;
}

// Lists `app`'s subcommands by name.
std::vector<std::string> CommandNames(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// True when `app` has its own option under one of `global`'s names.
bool Shadowed(const CLI::App& app, const CLI::Option& global) {
  for (const std::string& name : global.get_lnames()) {
    if (app.get_option_no_throw("--" + name) != nullptr) return true;
  }
  for (const std::string& name : global.get_snames()) {
    if (app.get_option_no_throw("-" + name) != nullptr) return true;
  }
  return false;
}

// Subcommand help ends with the root command's options: -p and the other global flags.
class GlobalsFormatter : public CLI::Formatter {
 public:
  std::string make_footer(const CLI::App* app) const override {
    std::string out = CLI::Formatter::make_footer(app);
    const CLI::App* root = app;
    while (root->get_parent() != nullptr) root = root->get_parent();
    if (root == app) return out;
    std::vector<const CLI::Option*> globals;
    for (const CLI::Option* opt : root->get_options()) {
      if (opt == root->get_help_ptr() || opt->get_name() == "--version") continue;
      if (Shadowed(*app, *opt)) continue;  // the command's own --as-of is the one it reads
      globals.push_back(opt);
    }
    return make_group("Global options (any command)", false, globals) + "\n" + out;
  }
};

}  // namespace

CLI::Validator UtcInstant() {
  return {[](std::string& in) -> std::string {
            Result<int64_t> t = ParseUtcTimestamp(in);
            return t.ok() ? std::string() : t.status().message();
          },
          "", "UtcInstant"};
}

CLI::Validator CalendarDate() {
  return {[](std::string& in) -> std::string {
            return IsCalendarDate(in) ? std::string()
                                      : "expected a date as YYYY-MM-DD, got '" + in + "'";
          },
          "", "CalendarDate"};
}

CLI::Validator SinceValue() {
  return {[](std::string& in) -> std::string {
            if (ParseDuration(in).ok() || ParseUtcTimestamp(in).ok()) return {};
            return "expected a date (2026-11-01), a timestamp (2026-11-01 12:00:00, UTC) or a "
                   "duration back from now (7d, 12h), got " +
                   Quote(in);
          },
          "", "SinceValue"};
}

CLI::Validator IdentifierArg() {
  return {[](std::string& in) -> std::string {
            const size_t colon = in.find(':');
            if (colon != std::string::npos && colon > 0) return {};
            return "expected TYPE:VALUE, e.g. email:jane@example.com, got " + Quote(in);
          },
          "", "IdentifierArg"};
}

CLI::Validator EnumNames(const std::vector<std::string>& names,
                         const std::vector<std::string>& codes) {
  return {[names, codes](std::string& in) -> std::string {
            for (size_t i = 0; i < names.size(); ++i) {
              if (Lower(in) == Lower(names[i])) {
                in = codes[i];
                return {};
              }
            }
            return "expected one of " + Join(names, ", ") + ", got " + Quote(in) +
                   DidYouMean(in, names);
          },
          "", "EnumNames"};
}

int FailUsage(const Status& status) {
  std::fprintf(stderr, "zcdp: error: %s\nRun with --help for more information.\n",
               status.message().c_str());
  return kExitUsage;
}

std::string UnknownCommand(const CLI::App& root, const std::vector<std::string>& args) {
  const CLI::App* at = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return "";
    if (arg.size() > 1 && arg[0] == '-') {
      if (TakesValue(*at, arg)) ++i;
      continue;
    }
    const std::vector<std::string> names = CommandNames(*at);
    if (names.empty()) return "";  // a positional argument of a command
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : at->get_subcommands([](const CLI::App*) { return true; })) {
      if (s->check_name(arg)) sub = s;
    }
    if (sub == nullptr) {
      const std::string kind = at == &root ? "" : at->get_name() + " ";
      return "unknown " + kind + "command " + Quote(arg) + DidYouMean(arg, names) +
             "; commands: " + Join(names, ", ");
    }
    at = sub;
  }
  return "";
}

std::shared_ptr<CLI::Formatter> HelpFormatter() { return std::make_shared<GlobalsFormatter>(); }

}  // namespace zcdp::cli
