#pragma once

#include <set>
#include <string>
#include <string_view>

namespace zcdp {

// An engine's error can quote the row it failed on: DuckDB's "Could not convert string
// 'jane@x.com' to INT32", PostgreSQL's `invalid input syntax for type integer: "jane"` or
// "Key (email)=(jane@x.com) already exists". zcdp's own state holds no customer values, so
// what it stores of such a message (run_steps.error and .failures, runs.steps,
// activation_log.error) goes through ScrubValues first; the terminal shows the message as
// it came. ScrubValues returns `message` with each of these replaced by <value>:
//  - a single-quoted text ('...', with '' inside), unless it is one of `names`;
//  - a double-quoted text, unless it is one of `names` or follows a word that names an
//    object ("column", "relation", "table", "function", "near", ...), PostgreSQL's way of
//    quoting identifiers;
//  - an unquoted number after the word "value" ("with value 3000000000 can't be cast");
//  - a parenthesised group of numbers and operators ("Overflow in addition of INT32
//    (2147483647 + 1)");
//  - the parenthesised row after "contains" and the parenthesised key after ")=("
//    (PostgreSQL's "Failing row contains (...)", "Key (email)=(...)").
// A quote inside a word (an apostrophe: "can't") opens nothing, and a quote closes only where
// a word does not go on, so that "'O'Brien'" is one text. An unclosed quote runs to the end.
// `names` are the words zcdp's own messages quote and that are no customer's: the project's
// names (ScrubNames), kept so that "audience 'gold': ..." still says which audience. A
// dotted text is kept when each of its parts is one of `names`.
std::string ScrubValues(std::string_view message, const std::set<std::string>& names = {});

}  // namespace zcdp
