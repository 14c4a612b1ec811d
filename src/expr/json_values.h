#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zcdp/expr/ir.h"

// Readers for the leaves of the JSON form (names, literals, windows, operators) and the
// object-shape check FromJson uses everywhere. Each failure is InvalidArgument starting with
// the JSON path: "$.and[1].compare.value.number: expected a number ...".
namespace zcdp::expr::detail {

// Keys keep the order they are written in, so documents read like the DSL.
using Json = nlohmann::ordered_json;

// "an object", "a list", "a string", ... for messages.
std::string KindOf(const Json& j);

// InvalidArgument "<path>: <message>".
Status Error(const std::string& path, const std::string& message);

// Requires an object whose keys are all in `required` or `optional`, with every key of
// `required` present. `what` names the expected value in the message.
Status CheckObject(const Json& j, const std::string& path, const std::string& what,
                   const std::vector<std::string>& required,
                   const std::vector<std::string>& optional = {});

// A string that is a valid NAME.
Result<std::string> ReadName(const Json& j, const std::string& path);
// A string that is a valid duration ("30d").
Result<std::string> ReadDuration(const Json& j, const std::string& path);
// {"number": "3"} | {"string": "x"} | {"date": "2024-01-01"} | {"duration": "30d"} |
// {"bool": true}.
Result<Literal> ReadLiteral(const Json& j, const std::string& path);
// A non-empty list of literals.
Result<std::vector<Literal>> ReadLiterals(const Json& j, const std::string& path);
// {"within": "30d"} | {"between": ["90d", "30d"]}.
Result<Window> ReadWindow(const Json& j, const std::string& path);
// "=", "!=", "<>", "<", "<=", ">", ">=".
Result<CompareOp> ReadOp(const Json& j, const std::string& path);

}  // namespace zcdp::expr::detail
