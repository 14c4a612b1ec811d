// libFuzzer target for the audience condition parser: any bytes must give a condition or a
// syntax error inside the text, never a crash, a hang or an escaped exception; and whatever
// parses must print to text that parses to the same print and the same JSON.
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Iinclude -Isrc tests/fuzz/audience_fuzz.cc \
//     src/expr/*.cc ... -lzcdp_model -lzcdp_sql ...

#include <cstddef>
#include <cstdint>
#include <string>

#include "zcdp/expr/ir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zcdp::expr;
  const std::string text(reinterpret_cast<const char*>(data), size);
  SyntaxError error;
  const zcdp::Result<Expr> expr = ParseCondition(text, &error);
  if (!expr.ok()) {
    // The contract: an error points into the text and says something.
    if (error.pos.offset < 0 || static_cast<size_t>(error.pos.offset) > size) __builtin_trap();
    if (error.pos.line < 1 || error.pos.column < 1) __builtin_trap();
    if (error.Message().empty() || error.Message() != expr.status().message()) __builtin_trap();
    return 0;
  }
  const std::string printed = Print(*expr);
  const zcdp::Result<Expr> again = ParseCondition(printed);
  if (!again.ok() || Print(*again) != printed) __builtin_trap();
  const std::string json = ToJson(*expr);
  const zcdp::Result<Expr> from_json = FromJson(json);
  if (!from_json.ok() || ToJson(*from_json) != json) __builtin_trap();
  return 0;
}
