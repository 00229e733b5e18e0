#pragma once
// Accounts: passwords (argon2id) and session tokens. A token is 32 random bytes (hex), handed to the
// client once; Redis keeps only its SHA-256 with the principal and an expiry; logout deletes it.
#include <cstdint>
#include <optional>
#include <string>

#include "app/context.hpp"
#include "domain/principal.hpp"

namespace kw::service {

std::string hash_password(const std::string& password);                       // argon2id, encoded
bool verify_password(const std::string& encoded_hash, const std::string& password);

struct IssuedToken {
    std::string token;
    UtcMs expires_at;
};
IssuedToken issue_token(app::Context& ctx, const Principal& who);
std::optional<Principal> authenticate(app::Context& ctx, const std::string& token);
void revoke_token(app::Context& ctx, const std::string& token);
// Revokes every token issued to `who` (driver or employee disabled, password reset, role change).
// For staff only is_staff() and id matter: an employee's tokens are found whatever role they carry.
void revoke_all_tokens(app::Context& ctx, const Principal& who);

}  // namespace kw::service
