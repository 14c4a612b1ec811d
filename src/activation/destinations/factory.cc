// MakeDestination: a destination configuration to its implementation.
#include "zcdp/activation/sync.h"
#include "zcdp/sql/dialect.h"

#include "activation/destinations/audience_upload.h"
#include "activation/destinations/file_drop.h"
#include "activation/destinations/webhook.h"

namespace zcdp::activation {
namespace {

Result<HttpDestinationOptions> HttpOptions(const DestinationConfig& dest) {
  HttpDestinationOptions o;
  o.url = dest.url ? dest.url->value : "";
  if (dest.secret) {
    Result<std::string> secret = ResolveSecret(*dest.secret);
    if (!secret.ok()) return secret.status().WithContext("secret");
    o.secret = std::move(secret).value();
  }
  if (dest.timeout) {
    ZCDP_ASSIGN_OR_RETURN(Duration timeout, ParseDuration(dest.timeout->value));
    o.timeout_ms = timeout.Millis();
  }
  o.rate_limit_per_second = static_cast<double>(dest.rate_limit);
  return o;
}

FileDropDestination::Format FileFormatOf(const DestinationConfig& dest) {
  const std::string format = dest.format ? dest.format->value : "jsonl";
  if (format == "csv") return FileDropDestination::Format::kCsv;
  if (format == "parquet") return FileDropDestination::Format::kParquet;
  return FileDropDestination::Format::kJsonl;
}

}  // namespace

Result<std::unique_ptr<Destination>> MakeDestination(const DestinationConfig& dest) {
  const std::string& type = dest.type.value;
  if (type == "file") {
    if (!dest.path) return Status::Invalid("a file destination needs 'path'");
    return std::unique_ptr<Destination>(
        std::make_unique<FileDropDestination>(dest.path->value, FileFormatOf(dest)));
  }
  if (type == "webhook") {
    ZCDP_ASSIGN_OR_RETURN(HttpDestinationOptions o, HttpOptions(dest));
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<WebhookDestination> d,
                          WebhookDestination::Create(std::move(o)));
    return std::unique_ptr<Destination>(std::move(d));
  }
  if (type == "audience_upload") {
    AudienceUploadOptions o;
    ZCDP_ASSIGN_OR_RETURN(o.http, HttpOptions(dest));
    o.audience = dest.audience ? dest.audience->value : dest.model ? dest.model->value : "";
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<AudienceUploadDestination> d,
                          AudienceUploadDestination::Create(std::move(o)));
    return std::unique_ptr<Destination>(std::move(d));
  }
  return Status::Invalid("destination type '" + type + "' delivers no payloads");
}

}  // namespace zcdp::activation
