#pragma once
// Accounts: passwords (argon2id) and login sessions. A token is 32 random bytes (hex), handed to the
// client once; Redis keeps only its SHA-256 (the session id) with the principal, signed with the
// server's secret key (HMAC), and an expiry; logout deletes it. Every use re-checks the signature and
// that the account is still enabled with that role (cached for auth.status_cache_ms), so write access
// to Redis alone cannot create or keep a session. The Redis record is cached in process for
// auth.session_cache_ms (service/session_cache.hpp): revoking a session drops it from every
// instance's cache at once, and also announces it on the push channel ws::session_channel(id),
// which closes that session's WebSockets on every instance.
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
// The session id of a token (what Redis, tickets and WebSockets know it by).
std::string session_id(const std::string& token);
// A session by its id: the principal while the session lives and the account may act, else nullopt.
std::optional<Principal> authenticate_session(app::Context& ctx, const std::string& session);
void revoke_token(app::Context& ctx, const std::string& token);
// Revokes every token issued to `who` (driver or employee disabled, password reset, role change).
// For staff only is_staff() and id matter: an employee's tokens are found whatever role they carry.
void revoke_all_tokens(app::Context& ctx, const Principal& who);

// WebSocket tickets: a one-use secret that stands for the caller's session for auth.ws_ticket_ttl_s,
// so a browser opens /api/v1/ws?ticket=… without putting its token in a URL.
struct WsTicket {
    std::string ticket;
    std::int64_t expires_in_s = 0;
};
WsTicket issue_ws_ticket(app::Context& ctx, const std::string& token);
// The session id the ticket stands for, once (the ticket is deleted); nullopt if unknown or used.
std::optional<std::string> redeem_ws_ticket(app::Context& ctx, const std::string& ticket);

}  // namespace kw::service
