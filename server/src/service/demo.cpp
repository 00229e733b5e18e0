#include "service/demo.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "service/accounts.hpp"
#include "service/network.hpp"
#include "service/wallet.hpp"
#include "device/broker_accounts.hpp"
#include "store/db.hpp"
#include "store/demo_repo.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::service {

namespace {

// The time-of-use tariff of shared/testdata/tariff-cases.json ("demo-tou").
constexpr const char* kDemoTariff = R"({
  "prices": {"sharp": {"electricity": 12851, "service": 8000}, "peak": {"electricity": 10713, "service": 8000},
             "flat": {"electricity": 6424, "service": 6000}, "valley": {"electricity": 3135, "service": 4000}},
  "periods": [["00:00","08:00","valley"], ["08:00","10:00","flat"], ["10:00","11:30","peak"],
              ["11:30","13:00","sharp"], ["13:00","17:00","flat"], ["17:00","21:00","peak"],
              ["21:00","23:00","flat"], ["23:00","24:00","valley"]]})";

constexpr const char* kDemoTariffName = "分时电价 (演示)";

struct DemoKind {
    const char* suffix;
    const char* kind;
    std::int64_t rated_w;
    int connectors;
};
constexpr DemoKind kKinds[] = {{"AC-01", "AC", 7000, 1}, {"AC-02", "AC", 7000, 1}, {"DC-01", "DC", 120000, 2}};

struct DemoStation {
    const char* prefix;
    const char* name;
    const char* address;
    double lng, lat;  // WGS-84
};

constexpr DemoStation kStations[] = {
    {"SH", "上海人民广场充电站", "上海市黄浦区人民大道200号", 121.4737, 31.2304},
    {"BJ", "北京国贸充电站", "北京市朝阳区建国门外大街1号", 116.4586, 39.9087},
    {"SZ", "深圳市民中心充电站", "深圳市福田区福中三路市民中心", 114.0596, 22.5431},
};

struct Credentials {
    std::string code, password, kind;
    int connectors;
    std::int64_t rated_w;
};

// The simulator's file from an earlier start: code -> credentials. Missing or unreadable: empty.
std::map<std::string, Credentials> read_csv(const std::string& path) {
    std::map<std::string, Credentials> out;
    if (path.empty()) return out;
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::stringstream fields(line);
        Credentials c;
        std::string connectors, rated;
        if (!std::getline(fields, c.code, ',') || !std::getline(fields, c.password, ',') ||
            !std::getline(fields, c.kind, ',') || !std::getline(fields, connectors, ',') ||
            !std::getline(fields, rated, ','))
            continue;
        try {
            c.connectors = std::stoi(connectors);
            c.rated_w = std::stoll(rated);
        } catch (const std::exception&) {
            continue;
        }
        out[c.code] = c;
    }
    return out;
}

void write_csv(const std::string& path, const std::vector<Credentials>& all) {
    if (path.empty()) return;
    std::filesystem::path p(path);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream out(path, std::ios::trunc);
    out << "code,password,kind,connectors,rated_w\n";
    for (const auto& c : all) out << c.code << "," << c.password << "," << c.kind << "," << c.connectors << "," << c.rated_w << "\n";
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

namespace {

// A restart of a seeded demo: the simulator's passwords are kept in csv_path and reused. Only a demo
// charger whose password is not there (or no longer valid) gets a new one; nothing else is touched.
void refresh_demo_credentials(app::Context& ctx, const std::string& csv_path) {
    if (csv_path.empty()) {
        // Nobody could read new passwords: issuing them would only lock the demo chargers out.
        spdlog::info("event=demo_credentials_kept reason=no_csv");
        return;
    }
    std::vector<store::DemoCharger> chargers;
    {
        auto sql = ctx.db.session();
        chargers = store::demo_chargers(*sql);
    }
    const auto known = read_csv(csv_path);
    std::vector<Credentials> creds;
    std::size_t reissued = 0;
    for (const auto& c : chargers) {
        auto it = known.find(c.code);
        if (it != known.end() && verify_mqtt_password(c.mqtt_password_hash, it->second.password)) {
            // Same password again: a broker that lost the account gets it back, nobody is locked out.
            try {
                ctx.broker_accounts.upsert_charger(c.code, it->second.password);
            } catch (const std::exception& e) {
                spdlog::warn("event=demo_broker_account_failed code={} error=\"{}\"", c.code, e.what());
            }
            creds.push_back({c.code, it->second.password, c.kind, c.connectors, c.rated_w});
            continue;
        }
        auto fresh = reset_charger_credentials(ctx, 0, c.id);
        creds.push_back({c.code, fresh.password, c.kind, c.connectors, c.rated_w});
        ++reissued;
    }
    write_csv(csv_path, creds);
    // scripts/run.sh waits for this event (reissued may be 0).
    spdlog::info("event=demo_credentials_reissued chargers={} kept={} csv={}", reissued, creds.size() - reissued,
                 csv_path);
}

}  // namespace

void seed_demo(app::Context& ctx, const std::string& csv_path) {
    // Demo data holds well-known passwords (admin console, demo driver): never into a production
    // database by accident. MySQL/MariaDB is what production uses; SQLite is what `make run` uses.
    if (ctx.db.dialect() == store::Dialect::mysql && !ctx.config.demo.allow_mysql)
        throw Error(Errc::bad_request,
                    "demo.seed refuses a MySQL/MariaDB database; set demo.allow_mysql = true to seed one anyway");
    bool seeded = false, empty = false;
    {
        auto sql = ctx.db.session();
        seeded = store::demo_seeded(*sql);
        empty = store::network_is_empty(*sql);
    }
    if (seeded) {
        refresh_demo_credentials(ctx, csv_path);
        return;
    }
    if (!empty) {
        // Seeded before demo_rows existed (an older `make run` database): recognised by the demo's
        // tariff name, its stations and the demo codes in them, and marked; nothing else is.
        std::vector<std::string> codes;
        for (const auto& s : kStations)
            for (const DemoKind& k : kKinds) codes.push_back(std::string(s.prefix) + "-" + k.suffix);
        int adopted = 0;
        {
            auto sql = ctx.db.session();
            soci::transaction tr(*sql);
            adopted = store::adopt_unmarked_demo(*sql, kDemoTariffName, codes);
            tr.commit();
        }
        if (adopted > 0) {
            spdlog::info("event=demo_rows_adopted chargers={}", adopted);
            refresh_demo_credentials(ctx, csv_path);
            return;
        }
        throw Error(Errc::conflict,
                    "demo.seed seeds only an empty database, and this one holds tariffs, stations, chargers, "
                    "drivers or orders the demo did not create");
    }

    const UtcMs now = ctx.clock.now();
    std::vector<Credentials> creds;
    // Everything but the chargers in one transaction, so a clash (an employee named "operator")
    // leaves no half-seeded database behind.
    std::vector<std::int64_t> station_ids;
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        const std::int64_t tariff_id =
            store::insert_tariff(*sql, kDemoTariffName, domain::to_json(boost::json::parse(kDemoTariff)), now);
        store::mark_demo_row(*sql, "tariff", tariff_id);
        for (const auto& s : kStations) {
            store::StationRow row;
            row.name = s.name;
            row.address = s.address;
            row.lng = s.lng;
            row.lat = s.lat;
            row.timezone = "Asia/Shanghai";
            row.opening_hours = "00:00-24:00";
            row.tariff_id = tariff_id;
            station_ids.push_back(store::insert_station(*sql, row, now));
            store::mark_demo_row(*sql, "station", station_ids.back());
        }
        const std::int64_t driver = create_driver(*sql, "13800138000", "Demo1234", "演示车主", now);
        store::mark_demo_row(*sql, "driver", driver);
        change_balance(*sql, driver, 20000, "topup", std::nullopt, std::nullopt, std::nullopt, "demo balance", now);
        store::mark_demo_row(*sql, "employee", create_employee(*sql, "operator", "Operator1234", "演示运营", Role::operator_, now));
        store::mark_demo_row(*sql, "employee", create_employee(*sql, "maintainer", "Maint1234", "演示运维", Role::maintainer, now));
        tr.commit();
    }
    for (std::size_t i = 0; i < std::size(kStations); ++i) {
        for (const DemoKind& k : kKinds) {
            NewCharger c;
            c.code = std::string(kStations[i].prefix) + "-" + k.suffix;
            c.station_id = station_ids[i];
            c.name = std::string(k.kind) + " " + k.suffix;
            c.kind = k.kind;
            c.rated_w = k.rated_w;
            // Each gun may deliver the charger's full power alone (the simulator does); sharing is the charger's business.
            for (int n = 1; n <= k.connectors; ++n) c.connectors.push_back({n, k.rated_w});
            auto [id, mqtt] = create_charger(ctx, 0, c);
            {
                auto sql = ctx.db.session();
                store::mark_demo_row(*sql, "charger", id);
            }
            creds.push_back({c.code, mqtt.password, k.kind, k.connectors, k.rated_w});
        }
    }
    write_csv(csv_path, creds);
    spdlog::info("event=demo_seeded stations={} chargers={} csv={}", std::size(kStations), creds.size(), csv_path);
}

}  // namespace kw::service
