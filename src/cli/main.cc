// zcdp: the command-line entry point. Each command lives in its own cmd_<name>.cc.
#include <cstdio>

#include "zcdp/common/log.h"

#include "cli/cli.h"
#include "cli/flags.h"

namespace zcdp::cli {
namespace {

constexpr const char* kFooter =
    "Exit codes: 0 success, 1 errors found or a step failed, 2 usage error (a bad flag,\n"
    "value, argument or command), 3 environment (warehouse locked or unreadable, I/O),\n"
    "4 partial (a run or sync finished, but some traits, audiences or destinations failed\n"
    "or refused records; recorded as partial), 130 interrupted (Ctrl-C or SIGTERM stopped a\n"
    "run; recorded as interrupted).\n"
    "Run 'zcdp <command> --help' for a command's options.";

int Main(int argc, char** argv) {
  CLI::App app("zcdp: a zero-copy, warehouse-native Customer Data Platform", "zcdp");
  app.set_version_flag("--version", std::string("zcdp ") + ZCDP_VERSION);
  app.formatter(HelpFormatter());
  app.footer(kFooter);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("-p,--project", global.project,
                 "project file, or a directory holding zcdp.yaml (default ./zcdp.yaml)")
      ->option_text("FILE|DIR");
  app.add_option("--log-level", global.log_level, "debug, info, warn, error or quiet")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "quiet"}).description(""))
      ->type_name("debug|info|warn|error|quiet");
  app.add_flag("-v,--verbose", global.verbose, "same as --log-level debug");
  app.add_flag("-q,--quiet", global.quiet, "print errors only");
  app.add_option("--as-of", global.as_of,
                 "evaluate windows and stamp memberships as of this UTC instant instead of now "
                 "(run, plan, audience --live): 2026-12-01 or 2026-12-01T21:00:00Z")
      ->type_name("TIMESTAMP")
      ->check(UtcInstant());
  Action action;
  AddDemoCommand(app, global, &action);
  AddGenerateCommand(app, global, &action);
  AddValidateCommand(app, global, &action);
  AddPlanCommand(app, global, &action);
  AddSyncCommand(app, global, &action);
  AddLedgerCommand(app, global, &action);
  AddRunCommand(app, global, &action);
  AddQueryCommand(app, global, &action);
  AddAudienceCommand(app, global, &action);
  AddProfileCommand(app, global, &action);
  AddExplainCommand(app, global, &action);
  AddServeCommand(app, global, &action);
  for (CLI::App* sub : app.get_subcommands({})) sub->fallthrough();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::string unknown =
        UnknownCommand(app, std::vector<std::string>(argv + 1, argv + argc));
    if (unknown.empty()) {
      app.exit(e);
      return kExitUsage;
    }
    return FailUsage(Status::Invalid(unknown));
  }
  LogLevel level = LogLevel::kInfo;
  ParseLogLevel(global.log_level, &level);
  if (global.verbose) level = LogLevel::kDebug;
  if (global.quiet) level = LogLevel::kError;
  SetLogLevel(level);
  if (!global.as_of.empty()) SetAsOf(ParseUtcTimestamp(global.as_of).value());  // checked
  return action ? action() : kExitUsage;
}

}  // namespace
}  // namespace zcdp::cli

int main(int argc, char** argv) {
  try {
    return zcdp::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    // Reaching this is a bug: every expected failure is a Status with a clear message.
    std::fprintf(stderr, "zcdp: internal error: %s\n", e.what());
    return 70;
  }
}
