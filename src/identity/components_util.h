#pragma once

// Helpers shared by the connected-components strategies (components_*.cc). Private to
// src/identity.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"
#include "zcdp/identity/components.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::components_internal {

// Wall-clock time since construction.
class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Quoted, schema-qualified names of the caller's tables, and the quoted column names the
// ComponentsTables contract fixes.
struct QuotedNames {
  QuotedNames(const Dialect& d, const ComponentsTables& t);
  std::string nodes, edges, output;
  std::string node, a, b, component;
};

// Creates or replaces `schema.name` as the rows of `select_sql`, through the dialect.
Status CreateTableAs(Warehouse& wh, std::string_view schema, std::string_view name,
                     std::string_view select_sql);

// Working tables of one run, named after the output table with a suffix, in t.schema.
// Every table named through it is dropped when the object dies, also on error paths.
class WorkTables {
 public:
  WorkTables(Warehouse& wh, const ComponentsTables& t) : wh_(wh), t_(t) {}
  WorkTables(const WorkTables&) = delete;
  WorkTables& operator=(const WorkTables&) = delete;
  ~WorkTables();

  // The unquoted name of working table `suffix`, registered for dropping.
  std::string Name(std::string_view suffix);
  // The quoted, schema-qualified name of working table `suffix`.
  std::string Qualified(std::string_view suffix);
  // Drops one working table now (DROP TABLE IF EXISTS).
  Status Drop(std::string_view suffix);

 private:
  Warehouse& wh_;
  const ComponentsTables& t_;
  std::vector<std::string> names_;
};

// Fills stats.nodes, stats.edges and stats.components from the input and the output table.
Status CountResult(Warehouse& wh, const ComponentsTables& t, ComponentsStats& stats);

}  // namespace zcdp::components_internal
