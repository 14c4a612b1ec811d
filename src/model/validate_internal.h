#pragma once

// Validation of a project against the live warehouse schema. Internal to src/model.

#include <map>
#include <string>
#include <vector>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::model_detail {

// The columns a source was found to have, and how to name the source in messages.
struct DescribedSource {
  std::vector<ColumnInfo> columns;
  std::string where;  // "table crm.customers" or "files 'lake/orders/*.parquet'"
};

// Checks one project against one warehouse. Reads the schema only; writes nothing.
// Not thread-safe; one per validation.
class Validator {
 public:
  Validator(const Project& project, Warehouse& wh, Diagnostics& diags)
      : project_(project), wh_(wh), diags_(diags) {}

  void Run();

 private:
  // Reads the source's columns, or reports why they cannot be read.
  std::optional<DescribedSource> Describe(const SourceConfig& s);
  std::optional<DescribedSource> DescribeTable(const SourceConfig& s);
  std::optional<DescribedSource> DescribeFiles(const SourceConfig& s);
  std::optional<DescribedSource> DescribeCatalogTable(const SourceConfig& s);
  void ReportMissingTable(const SourceConfig& s, const std::string& schema);
  // " (did you mean 'schema.table'?)" for a table of this name (or a close one) in a schema
  // other than `schema` and the output schema, or "".
  std::string TableInOtherSchemas(const std::string& table, const std::string& schema);

  void CheckSourceColumns(const SourceConfig& s, const DescribedSource& d);
  void CheckTraits();
  void CheckConsent();
  // Warns of each destination purpose no consent row has (a typo matches no one).
  void CheckPurposes(const ConsentConfig& consent);
  // The column `col` of a described source, or nullptr after reporting it unknown.
  const ColumnInfo* FindColumn(const std::string& context, const std::string& key,
                               const LocatedString& col, const DescribedSource& d);
  // Reports `col` when its type is not accepted; `expected` says what would be.
  void CheckType(const std::string& context, const std::string& key, const LocatedString& col,
                 const ColumnInfo& info, bool accepted, const std::string& expected);
  void Error(SourcePos pos, const std::string& context, const std::string& message);

  const Project& project_;
  Warehouse& wh_;
  Diagnostics& diags_;
  std::map<std::string, DescribedSource> described_;  // by source name
};

// The first line of an engine's message, shortened: engine errors can quote data rows,
// and a diagnostic must never carry a customer value.
std::string EngineMessage(const Status& status);

}  // namespace zcdp::model_detail
