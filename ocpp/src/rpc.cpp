#include "rpc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace kw::ocpp {

namespace json = boost::json;

std::string_view subprotocol(Version v) { return v == Version::v16 ? "ocpp1.6" : "ocpp2.0.1"; }

std::optional<Version> version_from_subprotocol(std::string_view token) {
    if (token == "ocpp1.6") return Version::v16;
    if (token == "ocpp2.0.1") return Version::v201;
    return std::nullopt;
}

std::string_view error_name(ErrorKind kind, Version v) {
    const bool v16 = v == Version::v16;
    switch (kind) {
        case ErrorKind::format: return v16 ? "FormationViolation" : "FormatViolation";
        case ErrorKind::occurrence: return v16 ? "OccurenceConstraintViolation" : "OccurrenceConstraintViolation";
        case ErrorKind::property: return "PropertyConstraintViolation";
        case ErrorKind::type: return "TypeConstraintViolation";
        case ErrorKind::not_implemented: return "NotImplemented";
        case ErrorKind::not_supported: return "NotSupported";
        case ErrorKind::protocol: return "ProtocolError";
        case ErrorKind::security: return "SecurityError";
        case ErrorKind::internal: return "InternalError";
        case ErrorKind::generic: return "GenericError";
    }
    return "GenericError";
}

std::optional<ErrorKind> error_kind_from_name(std::string_view name) {
    struct Name {
        std::string_view text;
        ErrorKind kind;
    };
    // Both versions' spellings: 1.6's "Occurence" (sic) and "Formation", 2.0.1's corrected ones.
    static constexpr Name kNames[] = {
        {"FormationViolation", ErrorKind::format},
        {"FormatViolation", ErrorKind::format},
        {"OccurenceConstraintViolation", ErrorKind::occurrence},
        {"OccurrenceConstraintViolation", ErrorKind::occurrence},
        {"PropertyConstraintViolation", ErrorKind::property},
        {"TypeConstraintViolation", ErrorKind::type},
        {"NotImplemented", ErrorKind::not_implemented},
        {"NotSupported", ErrorKind::not_supported},
        {"ProtocolError", ErrorKind::protocol},
        {"SecurityError", ErrorKind::security},
        {"InternalError", ErrorKind::internal},
        {"GenericError", ErrorKind::generic},
    };
    for (const auto& n : kNames)
        if (n.text == name) return n.kind;
    return std::nullopt;
}

namespace {

// OCPP-J: a message id is a string of at most 36 characters.
constexpr std::size_t kMaxIdLength = 36;

BadFrame bad(ErrorKind kind, std::string id, std::string message) {
    return BadFrame{kind, std::move(id), std::move(message)};
}

}  // namespace

std::variant<Frame, BadFrame> parse_frame(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return bad(ErrorKind::format, "", "not JSON: " + ec.message());
    if (!v.is_array()) return bad(ErrorKind::format, "", "not a JSON array");
    const json::array& a = v.as_array();
    if (a.size() < 3 || !a[0].is_int64() || !a[1].is_string())
        return bad(ErrorKind::format, "", "not [MessageTypeId, \"UniqueId\", ...]");
    std::string id(a[1].as_string());
    if (id.empty() || id.size() > kMaxIdLength)
        return bad(ErrorKind::format, "", "UniqueId must be 1 to 36 characters");
    switch (a[0].as_int64()) {
        case 2:
            if (a.size() != 4 || !a[2].is_string())
                return bad(ErrorKind::format, id, "a CALL is [2, \"UniqueId\", \"Action\", {payload}]");
            if (!a[3].is_object())
                return bad(ErrorKind::format, id, "a CALL's payload must be a JSON object");
            return Frame{Call{std::move(id), std::string(a[2].as_string()), a[3]}};
        case 3:
            if (a.size() != 3 || !a[2].is_object())
                return bad(ErrorKind::format, id, "a CALLRESULT is [3, \"UniqueId\", {payload}]");
            return Frame{CallResult{std::move(id), a[2]}};
        case 4:
            if (a.size() != 5 || !a[2].is_string() || !a[3].is_string() || !a[4].is_object())
                return bad(ErrorKind::format, id,
                           "a CALLERROR is [4, \"UniqueId\", \"errorCode\", \"errorDescription\", {details}]");
            return Frame{CallError{std::move(id), std::string(a[2].as_string()), std::string(a[3].as_string()), a[4]}};
        default:
            return bad(ErrorKind::format, id, "unknown MessageTypeId " + std::to_string(a[0].as_int64()));
    }
}

std::string format_call(std::string_view id, std::string_view action, const json::value& payload) {
    return json::serialize(json::array{2, id, action, payload});
}

std::string format_result(std::string_view id, const json::value& payload) {
    return json::serialize(json::array{3, id, payload});
}

std::string format_error(std::string_view id, ErrorKind kind, Version v, std::string_view description) {
    // OCPP-J: the description is at most 255 characters.
    return json::serialize(
        json::array{4, id, error_name(kind, v), description.substr(0, 255), json::object{}});
}

}  // namespace kw::ocpp
