#pragma once

// Flag and argument checks shared by the commands: each turns a malformed value into a CLI11
// validation error, so that it is reported as a usage error (exit 2) before anything is opened.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "zcdp/common/status.h"

namespace zcdp::cli {

// Accepts a UTC instant as ParseUtcTimestamp reads it ("2026-12-01", "2026-12-01T21:00:00Z").
CLI::Validator UtcInstant();
// Accepts a calendar date, YYYY-MM-DD, that exists.
CLI::Validator CalendarDate();
// Accepts what `ledger --since` filters by: a UTC instant or a duration back from now ("7d").
CLI::Validator SinceValue();
// Accepts an identifier argument, TYPE:VALUE with a non-empty TYPE.
CLI::Validator IdentifierArg();

// Adds `name` as an option read into the enum `*value` from one of `names` (case-insensitive).
// Help shows the names as "a|b|c", and a bad value's error lists them with a did-you-mean.
template <typename E>
CLI::Option* AddEnumOption(CLI::App& cmd, const std::string& name, E* value,
                           const std::vector<std::pair<std::string, E>>& names,
                           const std::string& help);

// Prints "zcdp: error: <message>" for a usage mistake found after parsing (two flags that do
// not go together) and returns kExitUsage.
int FailUsage(const Status& status);

// The message for a command line naming a command that does not exist, such as "unknown
// command 'frobnicate' (did you mean 'generate'?)", or "" when every command word is known.
// Walks `args` (argv without the program name) through `root`'s subcommands.
std::string UnknownCommand(const CLI::App& root, const std::vector<std::string>& args);

// A help formatter that lists the root command's global options (-p, --log-level, ...)
// after each subcommand's own. Install on the root before adding subcommands.
std::shared_ptr<CLI::Formatter> HelpFormatter();

// Internal: the validator behind AddEnumOption, mapping each name to `codes[i]`.
CLI::Validator EnumNames(const std::vector<std::string>& names,
                         const std::vector<std::string>& codes);

template <typename E>
CLI::Option* AddEnumOption(CLI::App& cmd, const std::string& name, E* value,
                           const std::vector<std::pair<std::string, E>>& names,
                           const std::string& help) {
  std::vector<std::string> words;
  std::vector<std::string> codes;
  for (const auto& [word, e] : names) {
    words.push_back(word);
    codes.push_back(std::to_string(static_cast<long long>(e)));
  }
  return cmd.add_option(name, *value, help)->transform(EnumNames(words, codes));
}

}  // namespace zcdp::cli
