#pragma once
// The official OCPP JSON schemas of one version (ocpp/schemas/, embedded in the binary), compiled once
// into valijson schemas, and the check of a request or response payload against them. Immutable after
// construction, so any thread may call it concurrently.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rpc.hpp"

namespace kw::ocpp {

// Why a payload breaks its schema: the kind becomes the CALLERROR code, the message its description
// (the JSON path and what is wrong, at most 200 characters).
struct Violation {
    ErrorKind kind;
    std::string message;
};

class Schemas {
  public:
    // Every schema of one version, compiled once (valijson Schema objects) from the embedded files.
    static const Schemas& of(Version v);

    Schemas(const Schemas&) = delete;
    Schemas& operator=(const Schemas&) = delete;
    ~Schemas();

    bool has_action(std::string_view action) const;

    // nullopt: valid. An action without a schema: Violation{ErrorKind::not_implemented, ...}.
    std::optional<Violation> check_request(std::string_view action, const boost::json::value& payload) const;
    std::optional<Violation> check_response(std::string_view action, const boost::json::value& payload) const;

  private:
    struct Action;  // the compiled request and response schema; valijson stays out of this header

    explicit Schemas(Version v);
    std::optional<Violation> check(std::string_view action, bool request,
                                   const boost::json::value& payload) const;

    Version version_;
    std::map<std::string, std::unique_ptr<const Action>, std::less<>> actions_;
};

}  // namespace kw::ocpp
