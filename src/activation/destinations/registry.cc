// MakeDestination: a destination configuration to its implementation, through one table.
#include <map>

#include "zcdp/activation/sync.h"

#include "activation/destinations/audience_upload/audience_upload.h"
#include "activation/destinations/file/file_drop.h"
#include "activation/destinations/webhook/webhook.h"

namespace zcdp::activation {
namespace {

using Factory = Result<std::unique_ptr<Destination>> (*)(const DestinationConfig&);

// One line per type that delivers payloads: adding a destination type touches its own
// folder under destinations/, this table and the model's DestinationType. warehouse_share
// delivers nothing (the sync maintains a view instead), so it has no line.
const std::map<DestinationType, Factory>& Registry() {
  static const auto* registry = new std::map<DestinationType, Factory>{
      {DestinationType::kWebhook, MakeWebhookDestination},
      {DestinationType::kFile, MakeFileDropDestination},
      {DestinationType::kAudienceUpload, MakeAudienceUploadDestination},
  };
  return *registry;
}

}  // namespace

Result<std::unique_ptr<Destination>> MakeDestination(const DestinationConfig& dest) {
  const auto it = Registry().find(dest.kind);
  if (it == Registry().end()) {
    return Status::Invalid("destination type '" + std::string(DestinationTypeName(dest.kind)) +
                           "' delivers no payloads");
  }
  return it->second(dest);
}

}  // namespace zcdp::activation
