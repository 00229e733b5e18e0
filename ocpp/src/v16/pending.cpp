#include "v16/pending.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include "schemas.hpp"
#include "timestamp.hpp"

namespace kw::ocpp::v16 {

namespace json = boost::json;

std::optional<std::string> authorization_key(std::string_view password) {
    if (password.size() < 16 || password.size() > 20) return std::nullopt;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : password) {
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
    return out;
}

PendingStation::PendingStation(std::string code, PendingIo& io, int interval_s)
    : code_(std::move(code)), io_(io), interval_s_(interval_s) {}

void PendingStation::on_frame(std::string_view text) {
    auto parsed = parse_frame(text);
    if (auto* bad = std::get_if<BadFrame>(&parsed)) {
        if (!bad->id.empty()) answer_error(bad->id, bad->kind, bad->message);
        return;
    }
    auto& frame = std::get<Frame>(parsed);
    if (auto* call = std::get_if<Call>(&frame)) {
        if (auto violation = Schemas::of(Version::v16).check_request(call->action, call->payload)) {
            answer_error(call->id, violation->kind, violation->message);
            return;
        }
        if (call->action != "BootNotification") {
            answer_error(call->id, ErrorKind::security,
                         "this charge point is not accepted yet: it waits for the operator's approval");
            return;
        }
        const json::object& p = call->payload.as_object();
        auto field = [&](const char* key) {
            const auto* v = p.if_contains(key);
            return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        json::object hello{{"protocol", "ocpp1.6"},
                           {"vendor", field("chargePointVendor")},
                           {"model", field("chargePointModel")},
                           {"serial", field("chargePointSerialNumber")},
                           {"firmware", field("firmwareVersion")}};
        io_.announce(json::serialize(hello));
        io_.send_frame(format_result(call->id, json::object{{"status", "Pending"},
                                                            {"currentTime", format_time(io_.now())},
                                                            {"interval", interval_s_}}));
        spdlog::info("event=ocpp_pending_boot code={}", code_);
        return;
    }
    // The answer to our ChangeConfiguration of the AuthorizationKey, or to nothing we sent.
    const std::string& id = std::holds_alternative<CallResult>(frame) ? std::get<CallResult>(frame).id
                                                                       : std::get<CallError>(frame).id;
    if (!key_call_id_ || id != *key_call_id_) return;
    key_call_id_.reset();
    std::string status = "error";
    if (auto* result = std::get_if<CallResult>(&frame); result && result->payload.is_object()) {
        const auto* s = result->payload.as_object().if_contains("status");
        status = s && s->is_string() ? std::string(s->as_string()) : "invalid";
    }
    if (status == "Accepted") {
        spdlog::info("event=ocpp_pending_key_taken code={}", code_);
        io_.reconnect();
    } else {
        // The installer enters the password shown once in the console instead (docs/ocpp.md).
        spdlog::warn("event=ocpp_pending_key_refused code={} status={}", code_, status);
    }
}

void PendingStation::on_approved(std::string_view password) {
    auto key = authorization_key(password);
    if (!key) {
        spdlog::warn("event=ocpp_pending_key_unusable code={} bytes={}", code_, password.size());
        return;
    }
    key_call_id_ = "k" + std::to_string(next_id_++);
    io_.send_frame(format_call(*key_call_id_, "ChangeConfiguration",
                               json::object{{"key", "AuthorizationKey"}, {"value", *key}}));
    spdlog::info("event=ocpp_pending_key_sent code={}", code_);
}

void PendingStation::answer_error(std::string_view id, ErrorKind kind, std::string_view message) {
    io_.send_frame(format_error(id, kind, Version::v16, message));
}

}  // namespace kw::ocpp::v16
