#pragma once

// The hashes used to sign and fingerprint payloads, over OpenSSL. Thread-safe.

#include <string>
#include <string_view>

namespace zcdp {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

}  // namespace zcdp
