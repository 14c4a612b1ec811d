#include "zcdp/app/project.h"

#include <filesystem>
#include <map>

#include "zcdp/common/clock.h"
#include "zcdp/common/suggest.h"
#include "zcdp/expr/catalog.h"
#include "zcdp/model/validate.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/step/ownership.h"

namespace zcdp::app {
namespace {

Result<std::unique_ptr<Warehouse>> OpenWarehouseFor(const Project& project, Access access) {
  ZCDP_ASSIGN_OR_RETURN(WarehouseOptions options, WarehouseOptionsFor(project.warehouse));
  options.read_only = access == Access::kReadOnly;
  std::error_code ec;
  if (options.type == "duckdb" && options.read_only && !std::filesystem::exists(options.path, ec)) {
    options.path = ":memory:";  // nothing written yet: file sources can still be read
  }
  return OpenWarehouse(options);
}

// Parses and binds audience conditions and trait filters against the sources' columns.
// Returns nothing when a source cannot be described (ValidateAgainstWarehouse has then said
// why; checking names against a partial catalog would only add noise).
std::optional<expr::BoundProject> BindConditions(const Project& project, Warehouse& wh,
                                                 Diagnostics& diags) {
  Result<expr::Catalog> catalog = expr::LoadCatalog(project, wh, &diags);
  if (!catalog.ok()) {
    if (!diags.has_errors()) {
      diags.Error({}, "cannot check audience conditions: " + catalog.status().message());
    }
    return std::nullopt;
  }
  return expr::BindProject(project, *catalog, diags);
}

// An output schema holding objects zcdp did not create is refused: zcdp would replace them.
// So is a share whose view name is taken by an object of the user's.
void CheckOwnership(const Project& project, Warehouse& wh, Diagnostics& diags) {
  Result<std::vector<TableInfo>> foreign = ForeignObjects(project, wh);
  if (!foreign.ok()) {
    diags.Error(project.warehouse.output_schema_pos,
                "cannot list the output schema: " + foreign.status().message());
    return;
  }
  for (const auto& m : ForeignObjectMessages(project, *foreign)) {
    diags.Error(project.warehouse.output_schema_pos, m);
  }
  for (const auto& dest : project.destinations) {
    if (dest.kind != DestinationType::kWarehouseShare || !dest.schema) continue;
    const Status owned = RequireOwnedOrAbsent(wh, dest.schema->value, dest.name.value);
    if (!owned.ok())
      diags.Error(dest.schema->pos,
                  "destination " + Quote(dest.name.value) + ": " + owned.message());
  }
}

// Moves into `invalid` the binding errors that belong to one audience left out of `bound`
// ("audience 'x': where: ..."), and the rest into `diags`.
void SeparateAudienceProblems(const Project& project, const Diagnostics& bind_diags,
                              const std::optional<expr::BoundProject>& bound, Diagnostics& diags,
                              std::map<std::string, std::string>& invalid) {
  for (const Diagnostic& d : bind_diags.all()) {
    const AudienceConfig* owner = nullptr;
    for (const AudienceConfig& a : project.audiences) {
      if (d.message.rfind("audience " + Quote(a.name.value) + ": ", 0) == 0) owner = &a;
    }
    const bool isolated = d.severity == Diagnostic::Severity::kError && owner != nullptr && bound &&
                          bound->FindAudience(owner->name.value) == nullptr;
    if (!isolated) {
      d.severity == Diagnostic::Severity::kError ? diags.Error(d.pos, d.message)
                                                 : diags.Warning(d.pos, d.message);
      continue;
    }
    std::string& problems = invalid[owner->name.value];
    problems += (problems.empty() ? "" : "; ") + std::string("line ") + std::to_string(d.pos.line) +
                ", column " + std::to_string(d.pos.column) + ": " + d.message;
  }
}

constexpr const char* kProjectHasErrors = "the project has errors";

Status ProjectHasErrors() { return Status::Invalid(kProjectHasErrors); }

// OpenProject; with `invalid` (OpenProjectToRun), audiences validation refuses are put there.
Result<OpenedProject> Open(const std::string& file_or_dir, Access access, bool validate,
                           Diagnostics* diags, std::map<std::string, std::string>* invalid) {
  const std::string path = ResolveProjectPath(file_or_dir);
  *diags = Diagnostics(path);
  std::optional<Project> project = LoadProject(path, *diags);
  if (!project) return ProjectHasErrors();
  // Validate on a read-only connection first, so that an invalid project writes nothing (not
  // even a new, empty DuckDB file).
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> conn,
                        OpenWarehouseFor(*project, validate ? Access::kReadOnly : access));
  std::optional<expr::BoundProject> conditions;
  if (validate) {
    ValidateAgainstWarehouse(*project, *conn, *diags);
    CheckOwnership(*project, *conn, *diags);
    if (invalid == nullptr) {
      conditions = BindConditions(*project, *conn, *diags);
    } else {
      Diagnostics bind_diags(diags->file());
      conditions = BindConditions(*project, *conn, bind_diags);
      SeparateAudienceProblems(*project, bind_diags, conditions, *diags, *invalid);
    }
  }
  if (diags->has_errors()) return ProjectHasErrors();
  if (validate && access == Access::kReadWrite) {
    conn.reset();  // release the read-only handle before opening for writing
    ZCDP_ASSIGN_OR_RETURN(conn, OpenWarehouseFor(*project, access));
  }
  OpenedProject out;
  out.project = std::move(*project);
  out.warehouse = std::move(conn);
  out.conditions = std::move(conditions);
  out.as_of_micros = SystemClock::Instance().NowMicros();
  if (invalid != nullptr) out.invalid_audiences = std::move(*invalid);
  return out;
}

}  // namespace

Result<OpenedProject> OpenProject(const std::string& file_or_dir, Access access, bool validate,
                                  Diagnostics* diags) {
  return Open(file_or_dir, access, validate, diags, nullptr);
}

Result<OpenedProject> OpenProjectToRun(const std::string& file_or_dir, Diagnostics* diags) {
  std::map<std::string, std::string> invalid;
  return Open(file_or_dir, Access::kReadWrite, /*validate=*/true, diags, &invalid);
}

bool IsProjectInvalid(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument && status.message() == kProjectHasErrors;
}

Status RequireConditions(const OpenedProject& opened) {
  if (opened.conditions) return Status::Ok();
  return Status::Internal("the project was opened without binding its conditions");
}

audience::Compiler AudienceCompiler(const OpenedProject& opened) {
  const Project& p = opened.project;
  const Dialect& d = opened.warehouse->dialect();
  return audience::Compiler(p, d, *opened.conditions, opened.as_of_micros, "",
                            p.profiles.materialize ? audience::TraitValues::kProfilesRelation
                                                   : audience::TraitValues::kInline);
}

Result<ProjectSummary> Validate(const std::string& file_or_dir, Diagnostics* diags) {
  ZCDP_ASSIGN_OR_RETURN(OpenedProject opened,
                        OpenProject(file_or_dir, Access::kReadOnly, /*validate=*/true, diags));
  const Project& p = opened.project;
  CheckSecretsSet(p.destinations, *diags);
  if (diags->has_errors()) return ProjectHasErrors();
  return ProjectSummary{.file = p.file,
                        .sources = p.sources.size(),
                        .id_types = p.identity.id_types.size(),
                        .traits = p.traits.size(),
                        .audiences = p.audiences.size()};
}

}  // namespace zcdp::app
