#include "domain/error.hpp"

namespace kw {

std::string_view errc_name(Errc errc) {
    switch (errc) {
        case Errc::bad_request: return "bad_request";
        case Errc::unauthorized: return "unauthorized";
        case Errc::forbidden: return "forbidden";
        case Errc::not_found: return "not_found";
        case Errc::method_not_allowed: return "method_not_allowed";
        case Errc::conflict: return "conflict";
        case Errc::connector_busy: return "connector_busy";
        case Errc::connector_unavailable: return "connector_unavailable";
        case Errc::session_active: return "session_active";
        case Errc::invalid_state: return "invalid_state";
        case Errc::already_exists: return "already_exists";
        case Errc::in_use: return "in_use";
        case Errc::limit_reached: return "limit_reached";
        case Errc::refund_exceeds_paid: return "refund_exceeds_paid";
        case Errc::account_disabled: return "account_disabled";
        case Errc::charger_offline: return "charger_offline";
        case Errc::payload_too_large: return "payload_too_large";
        case Errc::insufficient_balance: return "insufficient_balance";
        case Errc::too_many_requests: return "too_many_requests";
        case Errc::invalid_sms_code: return "invalid_sms_code";
        case Errc::unavailable: return "unavailable";
        case Errc::internal: return "internal";
    }
    return "internal";
}

}  // namespace kw
