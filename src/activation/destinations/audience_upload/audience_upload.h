#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/activation/destination.h"
#include "zcdp/model/project.h"

#include "activation/destinations/http/http_sender.h"

namespace zcdp::activation {

// The value an ad platform hashes for an identifier, by rule. The rules follow Google's
// Data Manager API ("Format user data", developers.google.com/data-manager/api/devguides/
// concepts/formatting), which Customer Match uses:
//   email       all whitespace removed, lower-cased, must read local@domain.tld; for
//               gmail.com and googlemail.com the dots of the local part and any "+suffix"
//               are removed ("Cloudy.SF+shop@gmail.com" -> "cloudysf@gmail.com"), other
//               domains keep them.
//   phone       E.164 with its "+" ("+33 6 12 34 56 78" -> "+33612345678"), as Google asks;
//               Meta hashes the same digits without the "+", so an upload to Meta needs its
//               own rule. The value must carry its country code: "+33...", "0033..." or
//               "33..." (digits are read as starting with it); only digits, spaces and
//               "- . ( ) /" may surround them. Checked with libphonenumber, as identity does.
//   first_name, last_name
//               lower-cased (Unicode letters too), then everything but letters removed:
//               whitespace, punctuation, digits, symbols ("Jean-Luc " -> "jeanluc",
//               "ÉLODIE" -> "élodie"). This is Meta's rule for fn/ln ("no punctuation,
//               UTF-8"), and Google's DV360 rule ("take out any whitespace, lowercase").
//               No Unicode normalisation (NFC) is applied: combining accents are kept as
//               sent.
// InvalidArgument for an unknown rule, and for a value that is empty or malformed after
// normalisation. Messages never repeat the value.
Result<std::string> NormalizeIdentifier(std::string_view rule, std::string_view value);

// Lower-case hex SHA-256 of NormalizeIdentifier(rule, value), or its error.
Result<std::string> HashedIdentifier(std::string_view rule, std::string_view value);

// True for the rules NormalizeIdentifier knows: email, phone, first_name, last_name.
bool IsIdentifierRule(std::string_view rule);

struct AudienceUploadOptions {
  HttpDestinationOptions http;
  std::string audience;  // the audience's name or id at the platform; empty = the destination
};

// Uploads audience members as hashed identifiers: each field of Batch::fields names its
// rule (email, phone, first_name, last_name), and only SHA-256 hashes of the normalised
// values leave. Body:
//   {"audience": ..., "purpose": ..., "idempotency_key": ..., "schema": [fields...],
//    "members": [{"key": ..., "action": "add"|"remove",
//                 "identifiers": {"email": "<sha256 hex>", ...}}]}
// A value that is null, not text (or an integer, for phones), or fails normalisation is
// left out of its member. An "add" with no identifier left is a RowFailure and is not
// sent; a "remove" may carry none (the receiver removes by key). Transport, signature,
// retries and splitting follow HttpBatchSender. Not thread-safe.
class AudienceUploadDestination final : public Destination {
 public:
  // InvalidArgument when the HTTP options are unusable.
  static Result<std::unique_ptr<AudienceUploadDestination>> Create(AudienceUploadOptions options);

  // REQUIRES: ValidateHttpOptions(options.http).ok(). Create() checks it.
  explicit AudienceUploadDestination(AudienceUploadOptions options);

  // Fails with InvalidArgument, sending nothing, when a field names no known rule.
  Result<Delivery> Deliver(const Batch& batch) override;

 private:
  std::string audience_;
  HttpBatchSender sender_;
};

// The upload a `type: audience_upload` destination describes (url, secret, timeout,
// rate_limit; the audience or model names the list).
Result<std::unique_ptr<Destination>> MakeAudienceUploadDestination(const DestinationConfig& dest);

}  // namespace zcdp::activation
