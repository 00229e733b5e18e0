#pragma once
// The charging network as staff manage it and drivers see it: chargers with their broker
// credentials, and the live view (online flags and connector status from Redis) joined onto the
// SQL rows. Worker threads only (SQL, Redis and the broker are called synchronously).
#include <soci/soci.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "domain/station_search.hpp"
#include "domain/tariff.hpp"
#include "store/chargers_repo.hpp"

namespace kw::service {

class TariffCache;

// ---- MQTT credentials -----------------------------------------------------------------------
// 20 characters (~119 bits): OCPP 1.6 carries a charge point's password as its AuthorizationKey of at
// most 20 bytes (security whitepaper), which is how an approved charge point gets it.
inline constexpr std::size_t kMqttPasswordLength = 20;
// 24 random characters of [A-Za-z0-9] (OpenSSL RAND_bytes, rejection sampled).
std::string generate_mqtt_password();
// "sha256$<16 hex salt>$<hex of SHA-256(salt + password)>": fast enough for the EMQX auth hook,
// which runs on every connect; the password itself is random, so a slow hash buys nothing.
std::string hash_mqtt_password(const std::string& password);
// Constant-time; false for "" or any other format.
bool verify_mqtt_password(const std::string& encoded, const std::string& password);

// ---- live views -----------------------------------------------------------------------------
struct ConnectorView {
    int number = 0;
    std::int64_t max_w = 0;
    std::string status;  // the live status, "offline" while the charger is offline
    domain::ConnectorBucket bucket = domain::ConnectorBucket::offline;
    std::int64_t power_w = 0;
    std::int64_t energy_wh = 0;
    std::optional<std::int64_t> soc;
};

struct ChargerView {
    store::ChargerRow row;
    bool online = false;
    UtcMs last_seen = 0;  // only when asked for (one Redis round trip per charger)
    std::vector<ConnectorView> connectors;
    domain::ConnectorCounts counts() const;
};

// Joins connectors (SQL) and live state (Redis: online flags and connector hashes of all the
// chargers in one round trip; with_last_seen adds one per charger) onto the rows, keeping their order.
std::vector<ChargerView> charger_views(app::Context& ctx, soci::session& sql,
                                       std::vector<store::ChargerRow> rows, bool with_last_seen = false);
// The two halves of charger_views, so a caller can give its SQL session back (SQLite has one
// connection) before the Redis round trip: with_connectors on the session, live_views after it.
struct ChargerRows {
    std::vector<store::ChargerRow> rows;
    std::map<std::int64_t, std::vector<store::ConnectorRow>> connectors;  // by charger id, by number
};
ChargerRows with_connectors(soci::session& sql, std::vector<store::ChargerRow> rows);
std::vector<ChargerView> live_views(app::Context& ctx, ChargerRows rows, bool with_last_seen = false);

// Tariffs of one call, loaded and parsed once each, on the caller's session.
class TariffLookup {
  public:
    // Specs are parsed through the shared cache (one parse per distinct spec, not per request).
    TariffLookup(soci::session& sql, TariffCache& parsed) : sql_(sql), parsed_(parsed) {}
    // nullptr if the tariff is missing or its stored spec no longer parses (logged).
    std::shared_ptr<const domain::Tariff> get(std::int64_t id);

  private:
    soci::session& sql_;
    TariffCache& parsed_;
    std::map<std::int64_t, std::shared_ptr<const domain::Tariff>> cache_;
};

// ---- writes (each adds an audit row) --------------------------------------------------------
struct ConnectorSpec {
    int number = 0;
    std::int64_t max_w = 0;
};

struct NewCharger {
    std::string code;
    std::int64_t station_id = 0;
    std::string name;
    std::string kind;  // AC | DC
    std::int64_t rated_w = 0;
    std::vector<ConnectorSpec> connectors;  // validated by the caller
    std::string protocol = "kw-mqtt/1";     // kw-mqtt/1 | ocpp1.6 | ocpp2.0.1 (the OCPP edge, docs/ocpp.md)
};

struct MqttCredentials {
    std::string host;
    std::int64_t port = 0;
    std::string username;
    std::string password;  // shown once
    std::string client_id;
};

// The charger row (its broker password stored hashed) and its connectors, in the caller's
// transaction; returns the new id. A taken code fails in store::insert_charger before any write.
std::int64_t insert_new_charger(soci::session& sql, const NewCharger& c, const std::string& password, UtcMs now);

// Inserts the charger and its connectors, then creates its broker account. Station unknown:
// bad_request; code taken, reserved (domain::check_charger_code_not_reserved) or naming a broker
// account that is not one of our chargers: conflict; broker failure: the rows are removed again and
// kw::Error(unavailable) is thrown.
std::pair<std::int64_t, MqttCredentials> create_charger(app::Context& ctx, std::int64_t employee_id,
                                                        const NewCharger& c);
// New password: the broker first (unavailable: nothing changed), then the stored hash.
MqttCredentials reset_charger_credentials(app::Context& ctx, std::int64_t employee_id,
                                          std::int64_t charger_id);
// Refused (conflict) while an order on it is active; removes the broker account first
// (unavailable: nothing changed), then the rows.
void delete_charger(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id);

}  // namespace kw::service
