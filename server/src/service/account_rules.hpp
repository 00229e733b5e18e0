#pragma once
// Pure rules of the accounts slice: how a principal is written into Redis, which employee logins,
// nicknames and names are acceptable and SHA-256/HMAC hex digests.
// No I/O; any thread may call these. Rejections are kw::Error(bad_request) naming the field.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/principal.hpp"

namespace kw::service {

// "driver:42", "admin:1", "operator:7", "maintainer:3" <-> Principal. decode returns nullopt for
// anything else (unknown kind, id not a positive integer, trailing junk).
std::string encode_principal(const Principal& who);
std::optional<Principal> decode_principal(std::string_view text);

// Employee login: 3..50 characters of [A-Za-z0-9_.-].
void validate_employee_login(std::string_view login);

// A display name (driver nickname, employee name): surrounding spaces trimmed, then 1..max_chars
// Unicode characters, no control characters. Returns the trimmed text. `field` names the JSON field.
std::string normalize_display_name(std::string_view text, const char* field, std::size_t max_chars = 50);

// A wallet top-up amount: 100..1,000,000 fen (1..10,000 yuan).
void validate_topup_amount(std::int64_t amount_fen);
// A manual balance adjustment: non-zero, |delta| <= 10,000,000 fen.
void validate_adjustment(std::int64_t delta_fen);

// Lowercase hex of SHA-256(data) / HMAC-SHA256(key, data).
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// n cryptographically random bytes as lowercase hex (OpenSSL RAND_bytes; throws internal on failure).
std::string random_hex(std::size_t n_bytes);

}  // namespace kw::service
