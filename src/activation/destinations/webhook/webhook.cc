#include "activation/destinations/webhook/webhook.h"

#include <numeric>
#include <string>

#include "activation/payload/json_writer.h"

namespace zcdp::activation {

std::string WebhookBody(const Batch& batch, std::span<const size_t> indices,
                        const std::string& idempotency_key) {
  // No run id or batch number: a batch resent by a later run must be the same bytes under
  // the same idempotency key. The copy ledger maps the key to its run.
  JsonWriter w;
  w.StartObject();
  w.Key("destination");
  w.String(batch.destination);
  w.Key("purpose");
  w.String(batch.purpose);
  w.Key("idempotency_key");
  w.String(idempotency_key);
  w.Key("records");
  w.StartArray();
  for (size_t i : indices) {
    const Record& record = batch.records[i];
    w.StartObject();
    w.Key("key");
    w.String(record.key);
    w.Key("action");
    w.String(ActionName(record.action));
    if (record.action != Action::kRemove) {
      w.Key("fields");
      w.StartObject();
      for (size_t f = 0; f < batch.fields.size(); ++f) {
        w.Key(batch.fields[f]);
        w.Write(record.values[f]);
      }
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(w.view());
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

Result<std::unique_ptr<Destination>> MakeWebhookDestination(const DestinationConfig& dest) {
  ZCDP_ASSIGN_OR_RETURN(HttpDestinationOptions o, HttpOptionsFor(dest));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<WebhookDestination> d,
                        WebhookDestination::Create(std::move(o)));
  return std::unique_ptr<Destination>(std::move(d));
}

}  // namespace zcdp::activation
