#include "service/charger_import.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "device/broker_accounts.hpp"
#include "domain/error.hpp"
#include "domain/validate.hpp"
#include "service/audit.hpp"
#include "service/station_directory.hpp"
#include "store/db.hpp"
#include "store/stations_repo.hpp"

namespace kw::service {

namespace {

struct Pending {
    const ImportInput* in;
    std::string password;
    std::int64_t id = 0;
};

ImportRowError row_error(std::int64_t row, const Error& e) {
    return {row, std::string(errc_name(e.errc())), e.what()};
}

// Inserts the rows that can be inserted, in one transaction; the others become errors.
std::vector<Pending> insert_batch(app::Context& ctx, std::vector<Pending> batch, std::vector<ImportRowError>& errors) {
    std::vector<Pending> inserted;
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    std::map<std::int64_t, bool> stations;
    const UtcMs now = ctx.clock.now();
    for (Pending& p : batch) {
        const NewCharger& c = p.in->charger;
        try {
            domain::check_charger_code_not_reserved(c.code, ctx.config.mqtt.username, ctx.config.mqtt.client_id);
            auto [it, fresh] = stations.try_emplace(c.station_id, false);
            if (fresh) it->second = store::find_station(*s, c.station_id).has_value();
            if (!it->second)
                throw Error(Errc::bad_request, "station " + std::to_string(c.station_id) + " does not exist");
            // A taken code (also one earlier in this file) fails before any statement that could
            // spoil the transaction.
            p.id = insert_new_charger(*s, c, p.password, now);
            inserted.push_back(std::move(p));
        } catch (const Error& e) {
            errors.push_back(row_error(p.in->row, e));
        }
    }
    tr.commit();
    return inserted;
}

void delete_rows(app::Context& ctx, const std::vector<const Pending*>& rows) {
    if (rows.empty()) return;
    auto s = ctx.db.session();
    soci::transaction tr(*s);
    for (const Pending* p : rows) store::delete_charger(*s, p->id);
    tr.commit();
}

}  // namespace

ImportResult import_chargers(app::Context& ctx, std::int64_t employee_id, const std::vector<ImportInput>& rows) {
    ImportResult out;
    bool broker_down = false;
    for (std::size_t first = 0; first < rows.size(); first += kImportBatch) {
        const std::size_t last = std::min(rows.size(), first + kImportBatch);
        std::vector<Pending> batch;
        for (std::size_t i = first; i < last; ++i) batch.push_back({&rows[i], generate_mqtt_password()});
        if (broker_down) {
            for (const Pending& p : batch)
                out.errors.push_back({p.in->row, "unavailable", "not tried: the MQTT broker failed on an earlier batch"});
            continue;
        }
        std::vector<Pending> inserted = insert_batch(ctx, std::move(batch), out.errors);
        std::vector<device::ChargerAccount> accounts;
        for (const Pending& p : inserted) accounts.push_back({p.in->charger.code, p.password});
        // The broker call may take seconds: no SQL session is held meanwhile (SQLite has only one).
        std::vector<device::AccountRefusal> refusals;
        try {
            if (!accounts.empty()) refusals = ctx.broker_accounts.upsert_chargers(accounts);
        } catch (const std::exception& e) {
            spdlog::warn("event=charger_import_broker_failed rows={} error=\"{}\"", inserted.size(), e.what());
            std::vector<const Pending*> all;
            for (const Pending& p : inserted) all.push_back(&p);
            delete_rows(ctx, all);
            for (const Pending& p : inserted)
                out.errors.push_back({p.in->row, "unavailable",
                                      std::string("the MQTT broker did not accept the charger account: ") + e.what()});
            broker_down = true;
            continue;
        }
        std::map<std::string, const Error*> refused;
        for (const auto& r : refusals) refused.emplace(r.code, &r.error);
        std::vector<const Pending*> undo;
        auto s = ctx.db.session();
        soci::transaction tr(*s);
        for (Pending& p : inserted) {
            const NewCharger& c = p.in->charger;
            if (auto it = refused.find(c.code); it != refused.end()) {
                out.errors.push_back(row_error(p.in->row, *it->second));
                undo.push_back(&p);
                continue;
            }
            boost::json::array numbers;
            for (const ConnectorSpec& spec : c.connectors) numbers.push_back(spec.number);
            audit(*s, employee_id, "charger.create", "charger:" + std::to_string(p.id),
                  {{"code", c.code},
                   {"station_id", c.station_id},
                   {"kind", c.kind},
                   {"rated_w", c.rated_w},
                   {"connectors", std::move(numbers)},
                   {"import", true}},
                  ctx.clock.now());
            out.created.push_back({p.in->row, c, std::move(p.password)});
        }
        for (const Pending* p : undo) store::delete_charger(*s, p->id);
        tr.commit();
    }
    // Once for the whole file: its batches are committed by now (rolled-back ones changed nothing).
    network_changed(ctx);
    auto by_row = [](const auto& a, const auto& b) { return a.row < b.row; };
    std::stable_sort(out.errors.begin(), out.errors.end(), by_row);
    spdlog::info("event=chargers_imported employee_id={} rows={} created={} errors={}", employee_id, rows.size(),
                 out.created.size(), out.errors.size());
    return out;
}

}  // namespace kw::service
