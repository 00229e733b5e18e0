#include "ocpp_frames.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

namespace kw::sim::ocpp {

namespace json = boost::json;

namespace {

// OCPP-J: a message id is a string of at most 36 characters.
constexpr std::size_t kMaxIdLength = 36;

BadFrame bad(std::string id, std::string code, std::string message) {
    return BadFrame{std::move(id), std::move(code), std::move(message)};
}

const json::value* field(const json::object& payload, std::string_view key) {
    return payload.if_contains(key);
}

[[noreturn]] void missing(std::string_view key) {
    throw PayloadError("OccurenceConstraintViolation", "missing required field " + std::string(key));
}

[[noreturn]] void wrong_type(std::string_view key, std::string_view type) {
    throw PayloadError("TypeConstraintViolation", std::string(key) + " must be " + std::string(type));
}

}  // namespace

std::variant<Frame, BadFrame> parse_frame(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return bad("", "FormationViolation", "not JSON: " + ec.message());
    if (!v.is_array()) return bad("", "FormationViolation", "not a JSON array");
    json::array& a = v.as_array();
    if (a.size() < 3 || !a[0].is_int64() || !a[1].is_string())
        return bad("", "FormationViolation", "not [MessageTypeId, \"UniqueId\", ...]");
    std::string id(a[1].as_string());
    if (id.empty() || id.size() > kMaxIdLength)
        return bad("", "FormationViolation", "UniqueId must be 1 to 36 characters");
    switch (a[0].as_int64()) {
        case 2:
            if (a.size() != 4 || !a[2].is_string())
                return bad(id, "FormationViolation", "a CALL is [2, \"UniqueId\", \"Action\", {payload}]");
            if (!a[3].is_object()) return bad(id, "FormationViolation", "a CALL's payload must be an object");
            return Frame{Call{std::move(id), std::string(a[2].as_string()), std::move(a[3].as_object())}};
        case 3:
            if (a.size() != 3 || !a[2].is_object())
                return bad("", "FormationViolation", "a CALLRESULT is [3, \"UniqueId\", {payload}]");
            return Frame{CallResult{std::move(id), std::move(a[2].as_object())}};
        case 4:
            if (a.size() < 4 || !a[2].is_string())
                return bad(
                    "", "FormationViolation",
                    "a CALLERROR is [4, \"UniqueId\", \"errorCode\", \"errorDescription\", {details}]");
            return Frame{CallError{std::move(id), std::string(a[2].as_string()),
                                   a[3].is_string() ? std::string(a[3].as_string()) : std::string()}};
        default:
            // A message type we do not know: not answerable as a CALL (OCPP-J 4.2.3 drops it).
            return bad("", "FormationViolation", "unknown MessageTypeId " + std::to_string(a[0].as_int64()));
    }
}

std::string format_call(std::string_view id, std::string_view action, const json::object& payload) {
    return json::serialize(json::array{2, id, action, payload});
}

std::string format_result(std::string_view id, const json::object& payload) {
    return json::serialize(json::array{3, id, payload});
}

std::string format_error(std::string_view id, std::string_view code, std::string_view description) {
    return json::serialize(json::array{4, id, code, description.substr(0, 255), json::object{}});
}

std::int64_t required_int(const json::object& payload, std::string_view key) {
    const auto* v = field(payload, key);
    if (!v) missing(key);
    if (!v->is_int64()) {
        if (v->is_uint64() ||
            (v->is_double() &&
             v->as_double() == static_cast<double>(static_cast<std::int64_t>(v->as_double()))))
            return v->to_number<std::int64_t>();
        wrong_type(key, "an integer");
    }
    return v->as_int64();
}

std::optional<std::int64_t> optional_int(const json::object& payload, std::string_view key) {
    if (!field(payload, key)) return std::nullopt;
    return required_int(payload, key);
}

std::string required_string(const json::object& payload, std::string_view key, std::size_t max_length) {
    const auto* v = field(payload, key);
    if (!v) missing(key);
    if (!v->is_string()) wrong_type(key, "a string");
    if (v->as_string().size() > max_length)
        throw PayloadError("PropertyConstraintViolation",
                           std::string(key) + " longer than " + std::to_string(max_length));
    return std::string(v->as_string());
}

std::string required_enum(const json::object& payload, std::string_view key,
                          std::initializer_list<std::string_view> allowed) {
    std::string s = required_string(payload, key);
    for (auto a : allowed)
        if (a == s) return s;
    throw PayloadError("PropertyConstraintViolation", std::string(key) + " has no valid value: " + s);
}

CentralSystemUrl parse_central_system_url(std::string_view text) {
    auto parsed = boost::urls::parse_uri(text);
    if (!parsed) throw std::invalid_argument("not a URL: " + std::string(text));
    const auto& u = *parsed;
    if (u.scheme() == "wss")
        throw std::invalid_argument("wss:// is not supported by the simulator (use ws://, or TLS in front)");
    if (u.scheme() != "ws") throw std::invalid_argument("the OCPP URL must start with ws://");
    if (u.host().empty()) throw std::invalid_argument("the OCPP URL has no host");
    if (u.has_query() || u.has_fragment())
        throw std::invalid_argument("the OCPP URL must not have a query or fragment");
    if (u.has_userinfo()) throw std::invalid_argument("credentials come from the chargers, not the URL");
    CentralSystemUrl out;
    out.host = u.host_address();  // an IPv6 literal without its brackets
    out.port = u.has_port() ? std::string(u.port()) : "80";
    out.path = std::string(u.encoded_path());
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    return out;
}

std::string station_target(const CentralSystemUrl& url, std::string_view code) {
    return url.path + "/" + std::string(code);
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16 |
                       static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[n >> 18 & 63];
        out += kAlphabet[n >> 12 & 63];
        out += kAlphabet[n >> 6 & 63];
        out += kAlphabet[n & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out += kAlphabet[n >> 18 & 63];
        out += kAlphabet[n >> 12 & 63];
        out += rest == 2 ? kAlphabet[n >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

std::string basic_authorization(std::string_view code, std::string_view password) {
    std::string credentials(code);
    credentials += ':';
    credentials += password;
    return "Basic " + base64(credentials);
}

}  // namespace kw::sim::ocpp
