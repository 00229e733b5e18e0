#pragma once
// A charge point the broker does not know (an unknown chargeBoxId, or a wrong password), held by an
// edge started with --pending-unknown while it waits for the operator's approval (docs/ocpp.md,
// "Charge points waiting for approval"). Its BootNotification is answered Pending and announced to
// the core; anything else it asks gets SecurityError. Once approved, the core's new password goes
// to it as the AuthorizationKey (OCPP 1.6 security whitepaper: the hexadecimal form of the HTTP
// Basic password); when it takes the key the connection is closed, and it comes back with it as an
// ordinary charger. Sans I/O, like Station; one strand.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rpc.hpp"

namespace kw::ocpp::v16 {

class PendingIo {
  public:
    virtual ~PendingIo() = default;
    virtual void send_frame(std::string text) = 0;
    // The station's boot fields for the core's list of charge points awaiting approval (JSON).
    virtual void announce(std::string payload) = 0;
    // The station took its new key: close the connection, so that it logs in again with it.
    virtual void reconnect() = 0;
    virtual std::int64_t now() = 0;  // ms since the Unix epoch, UTC
};

// The AuthorizationKey value for an HTTP Basic password: its bytes in hexadecimal (at most 20
// bytes, 40 digits); nullopt for a password OCPP 1.6 cannot carry that way (under 16 or over 20 bytes).
std::optional<std::string> authorization_key(std::string_view password);

class PendingStation {
  public:
    PendingStation(std::string code, PendingIo& io, int interval_s);

    void on_frame(std::string_view text);
    // The operator approved the charger with this password: sent as the AuthorizationKey.
    void on_approved(std::string_view password);

  private:
    void answer_error(std::string_view id, ErrorKind kind, std::string_view message);

    std::string code_;
    PendingIo& io_;
    int interval_s_;
    std::optional<std::string> key_call_id_;  // our ChangeConfiguration, while unanswered
    std::int64_t next_id_ = 1;
};

}  // namespace kw::ocpp::v16
