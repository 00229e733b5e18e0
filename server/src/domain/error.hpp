#pragma once
// The one error type of the domain and the store. http/errors.cpp alone turns an Errc into an HTTP
// status and the {code, message} body; the MQTT side logs it and drops the message.
#include <stdexcept>
#include <string>
#include <string_view>

namespace kw {

enum class Errc {
    bad_request,        // malformed or invalid input (400)
    unauthorized,       // no or expired token, wrong password (401)
    forbidden,          // authenticated but not allowed (403)
    not_found,          // unknown id (404)
    conflict,           // state does not allow it: connector busy, duplicate phone, order not active (409)
    payload_too_large,  // body over the limit (413)
    insufficient_balance,  // wallet below the minimum to start (402)
    unavailable,        // charger offline, broker down (503)
    internal,           // a bug or a failed dependency (500)
};

// The stable machine-readable name of an Errc, used as `code` in error bodies.
std::string_view errc_name(Errc errc);

class Error : public std::runtime_error {
public:
    Error(Errc errc, std::string message) : std::runtime_error(std::move(message)), errc_(errc) {}
    Errc errc() const noexcept { return errc_; }

private:
    Errc errc_;
};

}  // namespace kw
