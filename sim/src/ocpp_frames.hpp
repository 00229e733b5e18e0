#pragma once
// OCPP-J 1.6 as a charge point frames it: CALL / CALLRESULT / CALLERROR text frames, the typed
// readers of an incoming CALL's payload (a bad field is a CALLERROR with the 1.6 name of the
// violation), the central system URL (--ocpp-url) and the HTTP Basic header of security profile 1.
// Pure functions, callable from any thread.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

namespace kw::sim::ocpp {

struct Call {
    std::string id;
    std::string action;
    boost::json::object payload;
};
struct CallResult {
    std::string id;
    boost::json::object payload;
};
struct CallError {
    std::string id;
    std::string code;  // as received, e.g. "InternalError"
    std::string description;
};
using Frame = std::variant<Call, CallResult, CallError>;

// A frame that is not OCPP-J. `id` is the message id when one could be read (a CALL is then
// answered with a CALLERROR `code`), empty otherwise (the frame is dropped).
struct BadFrame {
    std::string id;
    std::string code;  // "FormationViolation" (sic, 1.6) or "ProtocolError"
    std::string message;
};

std::variant<Frame, BadFrame> parse_frame(std::string_view text);

std::string format_call(std::string_view id, std::string_view action, const boost::json::object& payload);
std::string format_result(std::string_view id, const boost::json::object& payload);
// The description is cut to 255 characters (OCPP-J).
std::string format_error(std::string_view id, std::string_view code, std::string_view description);

// A payload field that violates the action's schema: answered as CALLERROR `code`
// (OccurenceConstraintViolation (sic), TypeConstraintViolation, PropertyConstraintViolation).
class PayloadError : public std::runtime_error {
  public:
    PayloadError(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

  private:
    std::string code_;
};

// Readers of a CALL's payload; they throw PayloadError.
std::int64_t required_int(const boost::json::object& payload, std::string_view key);
std::optional<std::int64_t> optional_int(const boost::json::object& payload, std::string_view key);
std::string required_string(const boost::json::object& payload, std::string_view key,
                            std::size_t max_length = 500);
// A required string that must be one of `allowed` (PropertyConstraintViolation otherwise).
std::string required_enum(const boost::json::object& payload, std::string_view key,
                          std::initializer_list<std::string_view> allowed);

// ws://host:port/path of the central system; a charge point connects to <path>/<chargeBoxId>.
struct CentralSystemUrl {
    std::string host;
    std::string port;  // "80" when the URL names none
    std::string path;  // without a trailing '/', "" for the root
};
// Throws std::invalid_argument naming what is wrong (not ws://, wss:// (no TLS in the simulator),
// no host, a query or fragment).
CentralSystemUrl parse_central_system_url(std::string_view url);
// "<path>/<code>": the request target of the WebSocket handshake.
std::string station_target(const CentralSystemUrl& url, std::string_view code);

std::string base64(std::string_view bytes);
// "Basic base64(<code>:<password>)" (OCPP 1.6 security profile 1).
std::string basic_authorization(std::string_view code, std::string_view password);

}  // namespace kw::sim::ocpp
