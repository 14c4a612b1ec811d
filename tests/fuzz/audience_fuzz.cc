// libFuzzer target for the audience condition parser and binder: any bytes must give a
// condition or a syntax error inside the text, never a crash, a hang or an escaped exception;
// whatever parses must print to text that parses to the same print and the same JSON, and
// bind (against a fixed project and catalog) to a bound form or to problems inside the text.
//   clang++ -std=c++20 -fsanitize=fuzzer,address -Iinclude -Isrc tests/fuzz/audience_fuzz.cc \
//     src/expr/*.cc ... -lzcdp_model -lzcdp_sql ...

#include <cstddef>
#include <cstdint>
#include <string>

#include "zcdp/expr/bound.h"
#include "zcdp/expr/ir.h"

namespace {

constexpr const char* kProject = R"yaml(name: fuzz
warehouse: {type: duckdb, path: ':memory:'}
sources:
  - {name: customers, table: crm.customers, primary_key: customer_id, identifiers: {email: email}}
  - {name: orders, table: shop.orders, kind: events, primary_key: order_id, timestamp: ordered_at, identifiers: {email: email}}
identity: {id_types: {email: {priority: 1}}}
traits:
  - {name: ltv, source: orders, aggregate: sum(amount)}
  - {name: country, source: customers, pick: most_frequent}
audiences:
  - {name: buyers, where: "count(orders) > 0"}
)yaml";

struct Fixed {
  zcdp::Project project;
  zcdp::expr::Catalog catalog;
};

const Fixed& TheProject() {
  static const Fixed fixed = [] {
    zcdp::Diagnostics diags("fuzz.yaml");
    Fixed f{*zcdp::ParseProject(kProject, "fuzz.yaml", "/fuzz", diags), {}};
    using K = zcdp::ColumnKind;
    f.catalog = zcdp::expr::MakeCatalog(
        f.project, {{"customers", {{"customer_id", "", K::kText}, {"country", "", K::kText}}},
                    {"orders",
                     {{"order_id", "", K::kText},
                      {"ordered_at", "", K::kTimestamp},
                      {"amount", "", K::kDecimal},
                      {"paid", "", K::kBoolean}}}});
    return f;
  }();
  return fixed;
}

// Binding never fails outright: it gives a bound form, or problems that point into the text.
void Bind(const zcdp::expr::Expr& expr, size_t size) {
  const Fixed& f = TheProject();
  std::vector<zcdp::expr::Problem> problems;
  const zcdp::expr::BoundCondition bound =
      zcdp::expr::BindCondition(expr, f.project, f.catalog, &problems);
  for (const auto& p : problems) {
    if (p.message.empty() || p.pos.offset < 0 || static_cast<size_t>(p.pos.offset) > size) {
      __builtin_trap();
    }
  }
  if (!problems.empty()) return;
  for (const auto& a : bound.aggregates) {
    if (a.source.empty() ||
        (a.window.kind != zcdp::expr::Window::Kind::kNone && a.timestamp.empty())) {
      __builtin_trap();
    }
  }
}

}  // namespace

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
  Bind(*expr, size);
  return 0;
}
