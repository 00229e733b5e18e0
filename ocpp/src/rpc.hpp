#pragma once
// OCPP-J RPC framing (OCPP-J 1.6 section 4, 2.0.1 part 4): the three message types, parsing one text
// frame into them, formatting them, and the error codes whose names differ between versions.
// Pure: no I/O; any thread.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace kw::ocpp {

enum class Version { v16, v201 };

// The subprotocol token of a version ("ocpp1.6", "ocpp2.0.1"), and back (nullopt: not one we speak).
std::string_view subprotocol(Version v);
std::optional<Version> version_from_subprotocol(std::string_view token);

// What went wrong, independent of how the version spells it.
enum class ErrorKind {
    format,                  // 1.6 FormationViolation, 2.0.1 FormatViolation
    occurrence,              // 1.6 OccurenceConstraintViolation, 2.0.1 OccurrenceConstraintViolation
    property,                // PropertyConstraintViolation
    type,                    // TypeConstraintViolation
    not_implemented,         // NotImplemented: unknown action
    not_supported,           // NotSupported: known action we do not support
    protocol,                // ProtocolError: payload incomplete
    security,                // SecurityError
    internal,                // InternalError
    generic,                 // GenericError
};

// The error code as the version writes it.
std::string_view error_name(ErrorKind kind, Version v);
// Either spelling of either version, for errors a station sends (nullopt: not an OCPP error code;
// the frame is still a valid CALLERROR and is treated as generic).
std::optional<ErrorKind> error_kind_from_name(std::string_view name);

struct Call {
    std::string id;
    std::string action;
    boost::json::value payload;
};
struct CallResult {
    std::string id;
    boost::json::value payload;
};
struct CallError {
    std::string id;
    std::string code;  // as received
    std::string description;
    boost::json::value details;
};
using Frame = std::variant<Call, CallResult, CallError>;

// A frame that is not valid OCPP-J. `id` is the message id when one could be read (the CALLERROR
// then answers it); empty when not even that (the frame is dropped and logged).
struct BadFrame {
    ErrorKind kind;
    std::string id;
    std::string message;
};

std::variant<Frame, BadFrame> parse_frame(std::string_view text);

std::string format_call(std::string_view id, std::string_view action, const boost::json::value& payload);
std::string format_result(std::string_view id, const boost::json::value& payload);
std::string format_error(std::string_view id, ErrorKind kind, Version v, std::string_view description);

}  // namespace kw::ocpp
