#include "zcdp/model/validate.h"
#include "zcdp/sources/sources.h"
#include "zcdp/sql/dialect.h"

namespace zcdp {
namespace {

Result<StepCounts> RegisterSources(StepContext& ctx) {
  const Dialect& d = ctx.warehouse.dialect();
  const std::string& schema = ctx.project.warehouse.output_schema;
  StepCounts counts;
  const auto& sources = ctx.project.sources;
  for (size_t i = 0; i < sources.size(); ++i) {
    const SourceConfig& source = sources[i];
    const std::string context = "source '" + source.name.value + "'";
    ZCDP_ASSIGN_OR_RETURN(std::string relation, SourceRelation(source, d));
    const std::string view = SourceViewName(source);
    ZCDP_RETURN_IF_ERROR(
        ctx.warehouse.Execute(d.CreateOrReplaceView(schema, view, "SELECT * FROM " + relation))
            .WithContext(context));
    ZCDP_ASSIGN_OR_RETURN(
        counts[source.name.value + ".rows"],
        QueryInt(ctx.warehouse, "SELECT count(*) FROM " + d.QualifiedName(schema, view)));
    ctx.progress(static_cast<double>(i + 1) / static_cast<double>(sources.size()));
  }
  counts["sources"] = static_cast<int64_t>(sources.size());
  return counts;
}

}  // namespace

Step SourcesStep() {
  return {"sources",
          "expose every source as a view in the output schema and count its rows",
          {},
          RegisterSources};
}

}  // namespace zcdp
