#include "activation/destinations/webhook.h"

#include <numeric>
#include <string>

#include <nlohmann/json.hpp>

#include "activation/payload/json_value.h"

namespace zcdp::activation {
namespace {

using Json = nlohmann::ordered_json;

Json RecordJson(const Batch& batch, const Record& record) {
  Json out = {{"key", record.key}, {"action", ActionName(record.action)}};
  if (record.action == Action::kRemove) return out;
  Json fields = Json::object();
  for (size_t f = 0; f < batch.fields.size(); ++f) {
    fields[batch.fields[f]] = Json(ValueToJson(record.values[f]));
  }
  out["fields"] = std::move(fields);
  return out;
}

}  // namespace

std::string WebhookBody(const Batch& batch, std::span<const size_t> indices,
                        const std::string& idempotency_key) {
  Json records = Json::array();
  for (size_t i : indices) records.push_back(RecordJson(batch, batch.records[i]));
  // No run id or batch number: a batch resent by a later run must be the same bytes under
  // the same idempotency key. The copy ledger maps the key to its run.
  const Json body = {{"destination", batch.destination},
                     {"purpose", batch.purpose},
                     {"idempotency_key", idempotency_key},
                     {"records", std::move(records)}};
  // Invalid UTF-8 in a text value becomes U+FFFD instead of throwing.
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<std::unique_ptr<WebhookDestination>> WebhookDestination::Create(WebhookOptions options) {
  ZCDP_RETURN_IF_ERROR(ValidateHttpOptions(options));
  return std::make_unique<WebhookDestination>(std::move(options));
}

Result<Delivery> WebhookDestination::Deliver(const Batch& batch) {
  ZCDP_RETURN_IF_ERROR(CheckBatchShape(batch));
  std::vector<size_t> all(batch.records.size());
  std::iota(all.begin(), all.end(), size_t{0});
  return sender_.Send(batch, all, &WebhookBody);
}

}  // namespace zcdp::activation
