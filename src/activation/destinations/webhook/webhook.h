#pragma once

#include <memory>
#include <span>
#include <string>

#include "zcdp/activation/destination.h"
#include "zcdp/model/project.h"

#include "activation/destinations/http/http_sender.h"

namespace zcdp::activation {

// Everything a webhook needs: where to POST, the HMAC key, retries, rate limit, splitting.
using WebhookOptions = HttpDestinationOptions;

// POSTs each batch as signed JSON to one URL:
//   {"destination": ..., "purpose": ...,
//    "idempotency_key": ..., "records": [{"key": ..., "action": "upsert"|"remove",
//                                         "fields": {"<name>": value, ...}}]}
// Removals carry no "fields". Values are rendered by ValueToJson (payload/json_value.h):
// timestamps in UTC ISO-8601 with a "Z", dates "YYYY-MM-DD", non-finite doubles null.
// Headers: Content-Type, Idempotency-Key,
// User-Agent, and X-Zcdp-Signature "sha256=<hex HMAC-SHA256 of the body>" when a secret is
// set. Delivery, retries and splitting follow HttpBatchSender. Not thread-safe.
class WebhookDestination final : public Destination {
 public:
  // InvalidArgument when the options are unusable (see ValidateHttpOptions).
  static Result<std::unique_ptr<WebhookDestination>> Create(WebhookOptions options);

  // REQUIRES: ValidateHttpOptions(options).ok(). Create() checks it.
  explicit WebhookDestination(WebhookOptions options) : sender_(std::move(options)) {}

  Result<Delivery> Deliver(const Batch& batch) override;

 private:
  HttpBatchSender sender_;
};

// The webhook body for the records of `batch` at `indices`, under `idempotency_key`.
// Exposed for tests and `zcdp plan`.
std::string WebhookBody(const Batch& batch, std::span<const size_t> indices,
                        const std::string& idempotency_key);

// The webhook a `type: webhook` destination describes (url, secret, timeout, rate_limit).
Result<std::unique_ptr<Destination>> MakeWebhookDestination(const DestinationConfig& dest);

}  // namespace zcdp::activation
