#include "http/errors.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "domain/json_text.hpp"

namespace kw::http {

int status_of(Errc errc) {
    switch (errc) {
        case Errc::bad_request: return 400;
        case Errc::unauthorized: return 401;
        case Errc::insufficient_balance: return 402;
        case Errc::forbidden: return 403;
        case Errc::not_found: return 404;
        case Errc::method_not_allowed: return 405;
        case Errc::conflict: return 409;
        case Errc::connector_busy: return 409;
        case Errc::connector_unavailable: return 409;
        case Errc::session_active: return 409;
        case Errc::invalid_state: return 409;
        case Errc::already_exists: return 409;
        case Errc::in_use: return 409;
        case Errc::limit_reached: return 409;
        case Errc::refund_exceeds_paid: return 409;
        case Errc::account_disabled: return 403;
        case Errc::charger_offline: return 503;
        case Errc::payload_too_large: return 413;
        case Errc::too_many_requests: return 429;
        case Errc::invalid_sms_code: return 400;
        case Errc::unavailable: return 503;
        case Errc::internal: return 500;
    }
    return 500;
}

Response error_response(int status, std::string_view code, std::string_view message) {
    Response r;
    r.status = status;
    r.body = domain::to_json(boost::json::object{{"code", code}, {"message", message}});
    return r;
}

Response error_response(std::exception_ptr error, const Request& req) {
    try {
        std::rethrow_exception(error);
    } catch (const Error& e) {
        int status = status_of(e.errc());
        if (status >= 500)
            spdlog::error("event=http_error method={} path={} code={} message=\"{}\"", req.method, req.path,
                          errc_name(e.errc()), e.what());
        Response r = error_response(status, errc_name(e.errc()), e.what());
        if (e.retry_after_s() > 0) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after_s()));
        return r;
    } catch (const soci::soci_error& e) {
        spdlog::error("event=http_db_error method={} path={} error=\"{}\"", req.method, req.path, e.what());
        if (e.get_error_category() == soci::soci_error::connection_error) {  // down or restarting: retry
            Response r = error_response(503, "unavailable", "database unavailable");
            r.headers.emplace_back("Retry-After", "1");
            return r;
        }
        return error_response(500, "internal", "database error");
    } catch (const std::exception& e) {
        spdlog::error("event=http_internal_error method={} path={} error=\"{}\"", req.method, req.path, e.what());
        return error_response(500, "internal", "internal error");
    }
}

}  // namespace kw::http
