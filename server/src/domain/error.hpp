#pragma once
// The one error type of the domain and the store. http/errors.cpp alone turns an Errc into an HTTP
// status and the {code, message} body; the MQTT side logs it and drops the message.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kw {

enum class Errc {
    bad_request,        // malformed or invalid input (400)
    unauthorized,       // no or expired token, wrong password (401)
    forbidden,          // authenticated but not allowed (403)
    not_found,          // unknown id (404)
    method_not_allowed, // a known path with another method (405)
    conflict,           // the state does not allow it, no finer code below applies (409)
    connector_busy,        // the connector is charging or held by another order (409)
    connector_unavailable, // the connector is faulted, unavailable or being set up (409)
    session_active,        // the driver already has an active charging session (409)
    invalid_state,         // the order/schedule/top-up is already settled, cancelled, fired... (409)
    already_exists,        // a unique phone, login, code or name is taken (409)
    in_use,                // deleting something still referenced (a station's chargers, a tariff's stations) (409)
    limit_reached,         // a per-account quota is full (10 pending schedules ...) (409)
    refund_exceeds_paid,   // a refund above what the order paid minus earlier refunds (409)
    account_disabled,      // the account is disabled by staff (403)
    charger_offline,       // the charger is not connected (503)
    payload_too_large,  // body over the limit (413)
    insufficient_balance,  // wallet below the minimum to start (402)
    too_many_requests,  // throttled: try again after retry_after_s() (429 + Retry-After)
    invalid_sms_code,   // the SMS verification code is wrong, expired or burnt (400)
    unavailable,        // charger offline, broker down (503)
    internal,           // a bug or a failed dependency (500)
};

// The stable machine-readable name of an Errc, used as `code` in error bodies.
std::string_view errc_name(Errc errc);

class Error : public std::runtime_error {
public:
    Error(Errc errc, std::string message) : std::runtime_error(std::move(message)), errc_(errc) {}
    Error(Errc errc, std::string message, std::int64_t retry_after_s)
        : std::runtime_error(std::move(message)), errc_(errc), retry_after_s_(retry_after_s) {}
    Errc errc() const noexcept { return errc_; }
    // Seconds until a throttled request may be tried again; 0 when it does not apply.
    std::int64_t retry_after_s() const noexcept { return retry_after_s_; }

private:
    Errc errc_;
    std::int64_t retry_after_s_ = 0;
};

}  // namespace kw
