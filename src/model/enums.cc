// The project file's words for the enums of project.h, in one place each.
#include <array>
#include <utility>

#include "zcdp/model/project.h"

namespace zcdp {
namespace {

constexpr std::array<std::pair<AggregateFunction, std::string_view>, 9> kAggregateNames = {{
    {AggregateFunction::kCount, "count"},
    {AggregateFunction::kSum, "sum"},
    {AggregateFunction::kAvg, "avg"},
    {AggregateFunction::kMin, "min"},
    {AggregateFunction::kMax, "max"},
    {AggregateFunction::kFirst, "first"},
    {AggregateFunction::kLast, "last"},
    {AggregateFunction::kCountDistinct, "count_distinct"},
    {AggregateFunction::kMostFrequent, "most_frequent"},
}};

}  // namespace

std::string_view IdentityStrategyName(IdentityStrategy strategy) {
  switch (strategy) {
    case IdentityStrategy::kAuto:
      return "auto";
    case IdentityStrategy::kNative:
      return "native";
    case IdentityStrategy::kSql:
      return "sql";
  }
  return "auto";
}

std::string_view AggregateFunctionName(AggregateFunction fn) {
  for (const auto& [f, name] : kAggregateNames) {
    if (f == fn) return name;
  }
  return "";
}

std::optional<AggregateFunction> AggregateFunctionNamed(std::string_view name) {
  for (const auto& [f, n] : kAggregateNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

bool AggregateOfNoRowsIsZero(AggregateFunction fn) {
  return fn == AggregateFunction::kCount || fn == AggregateFunction::kSum ||
         fn == AggregateFunction::kCountDistinct;
}

std::string_view DestinationTypeName(DestinationType type) {
  switch (type) {
    case DestinationType::kWebhook:
      return "webhook";
    case DestinationType::kFile:
      return "file";
    case DestinationType::kAudienceUpload:
      return "audience_upload";
    case DestinationType::kWarehouseShare:
      return "warehouse_share";
  }
  return "webhook";
}

std::string_view SyncModeName(SyncMode mode) {
  switch (mode) {
    case SyncMode::kDiff:
      return "diff";
    case SyncMode::kMirror:
      return "mirror";
    case SyncMode::kFull:
      return "full";
  }
  return "diff";
}

}  // namespace zcdp
