#pragma once

// Looking at the project's audiences: list, size, preview, SQL. Read-only. Every function
// takes a project opened with `validate` (the compiler assumes checked conditions).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zcdp/app/project.h"
#include "zcdp/common/status.h"
#include "zcdp/warehouse/warehouse.h"

namespace zcdp::app {

// One audience as `zcdp audience list` shows it.
struct AudienceListRow {
  std::string name;
  std::optional<int64_t> size;  // members after the last run; unset when never evaluated
  std::string description;
  std::string condition;  // canonical text
};

struct AudienceList {
  std::vector<AudienceListRow> rows;  // in project order
  bool sized = false;                 // sizes come from the last run (audiences were evaluated)
};

// Every audience with its stored size, description and canonical condition.
Result<AudienceList> ListAudiences(const OpenedProject& opened);

// The compiled membership SELECT of audience `name`, as `zcdp run` compiles it. NotFound
// (naming the known audiences) for an unknown name.
Result<std::string> AudienceSql(const OpenedProject& opened, const std::string& name);

// The members of `name`: evaluated now with `live`, else counted from the last run. NotFound
// when what it reads (profiles, or audience_membership) does not exist yet.
Result<int64_t> AudienceSize(const OpenedProject& opened, const std::string& name, bool live);

// The first `limit` members of `name` evaluated now, by profile_id, with every trait from
// <output_schema>.profiles, as a stream of rows. NotFound before the traits step has run.
Result<std::unique_ptr<QueryStream>> AudiencePreview(const OpenedProject& opened,
                                                     const std::string& name, int64_t limit);

}  // namespace zcdp::app
