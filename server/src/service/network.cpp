#include "service/network.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <map>

#include "device/broker_accounts.hpp"
#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "live/state.hpp"
#include "service/account_rules.hpp"
#include "service/audit.hpp"
#include "service/station_directory.hpp"
#include "service/tariff_cache.hpp"
#include "store/db.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::service {

namespace {

MqttCredentials credentials(const app::Context& ctx, const std::string& code, std::string password) {
    return MqttCredentials{ctx.config.mqtt.host, ctx.config.mqtt.port, code, std::move(password), code};
}

std::string target(std::int64_t charger_id) { return "charger:" + std::to_string(charger_id); }

}  // namespace

std::string generate_mqtt_password() {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr unsigned kSize = sizeof(kAlphabet) - 1;  // 62
    constexpr unsigned kLimit = 256 - (256 % kSize);   // 248: bytes >= this would bias the result
    std::string out;
    while (out.size() < kMqttPasswordLength) {
        unsigned char buf[32];
        if (RAND_bytes(buf, sizeof buf) != 1) throw Error(Errc::internal, "no random bytes");
        for (unsigned char b : buf) {
            if (b >= kLimit) continue;
            out += kAlphabet[b % kSize];
            if (out.size() == kMqttPasswordLength) break;
        }
    }
    return out;
}

std::string hash_mqtt_password(const std::string& password) {
    std::string salt = random_hex(8);
    return "sha256$" + salt + "$" + sha256_hex(salt + password);
}

bool verify_mqtt_password(const std::string& encoded, const std::string& password) {
    if (encoded.rfind("sha256$", 0) != 0) return false;
    std::size_t dollar = encoded.find('$', 7);
    if (dollar == std::string::npos) return false;
    std::string salt = encoded.substr(7, dollar - 7);
    std::string expected = encoded.substr(dollar + 1);
    std::string actual = sha256_hex(salt + password);
    if (salt.empty() || expected.size() != actual.size()) return false;
    return CRYPTO_memcmp(expected.data(), actual.data(), actual.size()) == 0;
}

domain::ConnectorCounts ChargerView::counts() const {
    domain::ConnectorCounts c;
    for (const ConnectorView& v : connectors) c.add(v.bucket);
    return c;
}

std::shared_ptr<const domain::Tariff> TariffLookup::get(std::int64_t id) {
    auto it = cache_.find(id);
    if (it == cache_.end()) {
        std::shared_ptr<const domain::Tariff> parsed;
        if (auto row = store::find_tariff(sql_, id)) {
            try {
                parsed = parsed_.parsed(row->spec);
            } catch (const std::exception& e) {
                spdlog::error("event=tariff_unreadable id={} error=\"{}\"", id, e.what());
            }
        }
        it = cache_.emplace(id, std::move(parsed)).first;
    }
    return it->second;
}

ChargerRows with_connectors(soci::session& sql, std::vector<store::ChargerRow> rows) {
    ChargerRows out;
    std::vector<std::int64_t> ids;
    for (const auto& r : rows) ids.push_back(r.id);
    for (auto& c : store::connectors_of(sql, ids)) out.connectors[c.charger_id].push_back(std::move(c));
    out.rows = std::move(rows);
    return out;
}

std::vector<ChargerView> live_views(app::Context& ctx, ChargerRows rows, bool with_last_seen) {
    live::LiveState live(ctx.redis, ctx.config.redis.prefix);
    std::vector<live::LiveState::Request> wanted;
    wanted.reserve(rows.rows.size());
    for (const auto& r : rows.rows) {
        const auto& conns = rows.connectors[r.id];
        wanted.push_back({r.code, conns.empty() ? 0 : conns.back().number});
    }
    const auto snapshots = live.snapshot(wanted);
    std::vector<ChargerView> out;
    out.reserve(rows.rows.size());
    for (std::size_t i = 0; i < rows.rows.size(); ++i) {
        store::ChargerRow& r = rows.rows[i];
        const live::LiveState::Snapshot& snap = snapshots[i];
        ChargerView v;
        v.online = snap.online;
        if (with_last_seen) v.last_seen = live.charger(r.code).last_seen;
        for (const auto& c : rows.connectors[r.id]) {
            ConnectorView cv;
            cv.number = c.number;
            cv.max_w = c.max_w;
            if (v.online && c.number >= 1 && static_cast<std::size_t>(c.number) <= snap.connectors.size()) {
                const live::ConnectorLive& s = snap.connectors[c.number - 1];
                cv.status = s.status.empty() ? "unknown" : s.status;  // online, none reported yet
                cv.power_w = s.power_w;
                cv.energy_wh = s.energy_wh;
                cv.soc = s.soc;
            } else {
                cv.status = "offline";
            }
            cv.bucket = domain::bucket_of(cv.status, v.online);
            v.connectors.push_back(std::move(cv));
        }
        v.row = std::move(r);
        out.push_back(std::move(v));
    }
    return out;
}

std::vector<ChargerView> charger_views(app::Context& ctx, soci::session& sql,
                                       std::vector<store::ChargerRow> rows, bool with_last_seen) {
    return live_views(ctx, with_connectors(sql, std::move(rows)), with_last_seen);
}

std::int64_t insert_new_charger(soci::session& sql, const NewCharger& c, const std::string& password, UtcMs now) {
    store::ChargerRow row;
    row.code = c.code;
    row.station_id = c.station_id;
    row.name = c.name;
    row.kind = c.kind;
    row.rated_w = c.rated_w;
    row.protocol = c.protocol;
    row.mqtt_password_hash = hash_mqtt_password(password);
    const std::int64_t id = store::insert_charger(sql, row, now);
    for (const ConnectorSpec& spec : c.connectors) store::insert_connector(sql, id, spec.number, spec.max_w);
    return id;
}

std::pair<std::int64_t, MqttCredentials> create_charger(app::Context& ctx, std::int64_t employee_id,
                                                        const NewCharger& c) {
    domain::check_charger_code_not_reserved(c.code, ctx.config.mqtt.username, ctx.config.mqtt.client_id);
    std::string password = generate_mqtt_password();
    std::int64_t id = 0;
    {
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        if (!store::find_station(*s, c.station_id))
            throw Error(Errc::bad_request, "station " + std::to_string(c.station_id) + " does not exist");
        id = insert_new_charger(*s, c, password, ctx.clock.now());
        tr.commit();
    }
    network_changed(ctx);
    // The broker call may take seconds: no SQL session is held meanwhile (SQLite has only one).
    try {
        ctx.broker_accounts.upsert_charger(c.code, password);
    } catch (const std::exception& e) {
        spdlog::warn("event=charger_create_broker_failed code={} error=\"{}\"", c.code, e.what());
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        store::delete_charger(*s, id);
        tr.commit();
        network_changed(ctx);
        // The code names a broker account that is not ours: the caller must pick another code.
        if (auto* k = dynamic_cast<const Error*>(&e);
            k && (k->errc() == Errc::conflict || k->errc() == Errc::already_exists))
            throw;
        throw Error(Errc::unavailable,
                    std::string("the MQTT broker did not accept the charger account: ") + e.what());
    }
    {
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        boost::json::array numbers;
        for (const ConnectorSpec& spec : c.connectors) numbers.push_back(spec.number);
        audit(*s, employee_id, "charger.create", target(id),
              {{"code", c.code},
               {"station_id", c.station_id},
               {"kind", c.kind},
               {"rated_w", c.rated_w},
               {"connectors", std::move(numbers)}},
              ctx.clock.now());
        tr.commit();
    }
    spdlog::info("event=charger_created id={} code={} employee_id={}", id, c.code, employee_id);
    return {id, credentials(ctx, c.code, std::move(password))};
}

MqttCredentials reset_charger_credentials(app::Context& ctx, std::int64_t employee_id,
                                          std::int64_t charger_id) {
    std::string code;
    {
        auto s = ctx.db.session();
        auto row = store::find_charger(*s, charger_id);
        if (!row) throw Error(Errc::not_found, "no such charger");
        code = row->code;
    }
    std::string password = generate_mqtt_password();
    ctx.broker_accounts.upsert_charger(code, password);
    {
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        store::set_mqtt_password_hash(*s, charger_id, hash_mqtt_password(password), ctx.clock.now());
        audit(*s, employee_id, "charger.reset_credentials", target(charger_id), {{"code", code}},
              ctx.clock.now());
        tr.commit();
    }
    spdlog::info("event=charger_credentials_reset id={} code={} employee_id={}", charger_id, code,
                 employee_id);
    return credentials(ctx, code, std::move(password));
}

void delete_charger(app::Context& ctx, std::int64_t employee_id, std::int64_t charger_id) {
    std::string code;
    {
        auto s = ctx.db.session();
        auto row = store::find_charger(*s, charger_id);
        if (!row) throw Error(Errc::not_found, "no such charger");
        if (store::count_active_orders(*s, charger_id) > 0)
            throw Error(Errc::in_use, "charger " + row->code + " has an active order");
        code = row->code;
    }
    ctx.broker_accounts.remove_charger(code);
    {
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        // An order may have started while the broker was being asked; it keeps the charger.
        if (store::count_active_orders(*s, charger_id) > 0)
            throw Error(Errc::in_use, "charger " + code + " has an active order");
        store::delete_charger(*s, charger_id);
        audit(*s, employee_id, "charger.delete", target(charger_id), {{"code", code}}, ctx.clock.now());
        tr.commit();
    }
    network_changed(ctx);
    spdlog::info("event=charger_deleted id={} code={} employee_id={}", charger_id, code, employee_id);
}

}  // namespace kw::service
