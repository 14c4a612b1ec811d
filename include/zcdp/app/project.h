#pragma once

// The application layer (src/README.md): what every face (the `zcdp` command, later `zcdp
// serve`) does with a project, returned as values. Nothing here prints or picks exit codes.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "zcdp/audiences/compile.h"
#include "zcdp/common/status.h"
#include "zcdp/expr/bound.h"
#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"
#include "zcdp/step/output_tables.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// A loaded project and a connection to its warehouse.
struct OpenedProject {
  Project project;
  std::unique_ptr<Warehouse> warehouse;
  // The project's audience conditions and trait filters, bound against the described sources
  // (expr::BindProject). Set when the project was opened with `validate`; they then bound
  // without a problem.
  std::optional<expr::BoundProject> conditions;
  // The instant (microseconds since the epoch, UTC) that windows count back from in what is
  // evaluated for this opening: the system clock at OpenProject; a face may set it (the
  // CLI's --as-of). One instant for everything asked of one opening.
  int64_t as_of_micros = 0;
  // OpenProjectToRun only: the audiences validation refused, by name, with their positioned
  // problems ("line 12, column 11: audience 'x': where: ..."). They are left out of
  // `conditions`.
  std::map<std::string, std::string> invalid_audiences;
};
enum class Access { kReadOnly, kReadWrite };

// Loads the project named by `file_or_dir` and opens its warehouse. With `validate`, checks
// the project against the live schema too, then parses and type-checks every audience
// condition and trait `where` filter against the sources' columns, so that structural,
// schema and condition errors are collected together. A read-only validation of a project
// whose DuckDB file does not exist yet uses an empty in-memory database (its sources may all be
// files). Every problem and warning goes to `*diags` (reset to the resolved project file), which
// the caller shows; when it holds errors the result is IsProjectInvalid. Other errors (the
// warehouse cannot be opened, which is tried even after structural errors) come as they are.
Result<OpenedProject> OpenProject(const std::string& file_or_dir, Access access, bool validate,
                                  Diagnostics* diags);

// OpenProject(kReadWrite, validate) as `zcdp run` opens a project: an audience whose own
// condition validation refuses (an unknown trait, a type error) does not stop it. Its
// problems go to OpenedProject::invalid_audiences instead of `*diags`, and the run records
// it as a failed item (RunOptions::invalid_audiences). Every other problem, an audience
// cycle included, is an error as in OpenProject.
Result<OpenedProject> OpenProjectToRun(const std::string& file_or_dir, Diagnostics* diags);

// True for the error OpenProject returns when `*diags` holds errors (they say what is wrong).
bool IsProjectInvalid(const Status& status);

// Internal unless `opened` was opened with `validate` (then it has bound conditions).
Status RequireConditions(const OpenedProject& opened);

// The audience compiler as `zcdp run` uses it: traits computed inline (only those an
// audience reads) over the profiles view, or read from the materialised profiles table.
// Windows count back from opened.as_of_micros. `opened` must have bound conditions, and
// outlive the compiler.
audience::Compiler AudienceCompiler(const OpenedProject& opened);

// What `zcdp validate` reports for a valid project.
struct ProjectSummary {
  std::string file;
  size_t sources = 0, id_types = 0, traits = 0, audiences = 0;
};

// Validates the project read-only (OpenProject with `validate`), checks that every
// destination's ${ENV_VAR} secret is set, and counts what the project defines. Writes nothing.
Result<ProjectSummary> Validate(const std::string& file_or_dir, Diagnostics* diags);

}  // namespace zcdp::app
