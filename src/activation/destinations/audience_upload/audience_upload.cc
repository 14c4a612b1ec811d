#include "activation/destinations/audience_upload/audience_upload.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

namespace zcdp::activation {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kNoIdentifier = "no identifier left after normalisation";

// The hashes of one member, in field order; nullopt where the value gave none.
using Hashes = std::vector<std::optional<std::string>>;

// The text a rule normalises: text, or an integer (a phone kept as a number).
std::optional<std::string> PlainText(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value.storage())) return *text;
  if (const auto* number = std::get_if<int64_t>(&value.storage())) return std::to_string(*number);
  return std::nullopt;
}

Hashes HashRecord(const Batch& batch, const Record& record) {
  Hashes hashes(batch.fields.size());
  for (size_t f = 0; f < batch.fields.size() && f < record.values.size(); ++f) {
    const std::optional<std::string> plain = PlainText(record.values[f]);
    if (!plain) continue;
    Result<std::string> hash = HashedIdentifier(batch.fields[f], *plain);
    if (hash.ok()) hashes[f] = std::move(hash).value();
  }
  return hashes;
}

bool HasAny(const Hashes& hashes) {
  for (const auto& h : hashes) {
    if (h) return true;
  }
  return false;
}

Status CheckRules(const Batch& batch) {
  for (const std::string& field : batch.fields) {
    if (!IsIdentifierRule(field)) {
      return Status::Invalid("destination '" + batch.destination + "': field '" + field +
                             "' names no hashing rule; expected email, phone, first_name or "
                             "last_name");
    }
  }
  return Status::Ok();
}

Json MemberJson(const Batch& batch, const Record& record, const Hashes& hashes) {
  Json identifiers = Json::object();
  for (size_t f = 0; f < hashes.size(); ++f) {
    if (hashes[f]) identifiers[batch.fields[f]] = *hashes[f];
  }
  return {{"key", record.key},
          {"action", record.action == Action::kRemove ? "remove" : "add"},
          {"identifiers", std::move(identifiers)}};
}

std::string UploadBody(const std::string& audience, const Batch& batch,
                       const std::vector<Hashes>& hashes, std::span<const size_t> indices,
                       const std::string& idempotency_key) {
  Json members = Json::array();
  for (size_t i : indices) members.push_back(MemberJson(batch, batch.records[i], hashes[i]));
  const Json body = {{"audience", audience},
                     {"purpose", batch.purpose},
                     {"idempotency_key", idempotency_key},
                     {"schema", batch.fields},
                     {"members", std::move(members)}};
  return body.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Result<std::unique_ptr<AudienceUploadDestination>> AudienceUploadDestination::Create(
    AudienceUploadOptions options) {
  ZCDP_RETURN_IF_ERROR(ValidateHttpOptions(options.http));
  return std::make_unique<AudienceUploadDestination>(std::move(options));
}

AudienceUploadDestination::AudienceUploadDestination(AudienceUploadOptions options)
    : audience_(std::move(options.audience)), sender_(std::move(options.http)) {}

Result<Delivery> AudienceUploadDestination::Deliver(const Batch& batch) {
  ZCDP_RETURN_IF_ERROR(CheckBatchShape(batch));
  ZCDP_RETURN_IF_ERROR(CheckRules(batch));
  std::vector<Hashes> hashes;
  std::vector<size_t> sendable;
  std::vector<RowFailure> unsendable;
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const Record& record = batch.records[i];
    hashes.push_back(HashRecord(batch, record));
    if (record.action == Action::kUpsert && !HasAny(hashes.back())) {
      unsendable.push_back({i, kNoIdentifier});
    } else {
      sendable.push_back(i);
    }
  }
  const std::string& audience = audience_.empty() ? batch.destination : audience_;
  auto build = [&](const Batch& b, std::span<const size_t> indices, const std::string& key) {
    return UploadBody(audience, b, hashes, indices, key);
  };
  ZCDP_ASSIGN_OR_RETURN(Delivery delivery, sender_.Send(batch, sendable, build));
  delivery.failed.insert(delivery.failed.end(), unsendable.begin(), unsendable.end());
  std::sort(delivery.failed.begin(), delivery.failed.end(),
            [](const RowFailure& a, const RowFailure& b) { return a.index < b.index; });
  return delivery;
}

Result<std::unique_ptr<Destination>> MakeAudienceUploadDestination(const DestinationConfig& dest) {
  AudienceUploadOptions o;
  ZCDP_ASSIGN_OR_RETURN(o.http, HttpOptionsFor(dest));
  o.audience = dest.audience ? dest.audience->value : dest.model ? dest.model->value : "";
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<AudienceUploadDestination> d,
                        AudienceUploadDestination::Create(std::move(o)));
  return std::unique_ptr<Destination>(std::move(d));
}

}  // namespace zcdp::activation
