#include "service/demo.hpp"

#include <boost/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>

#include "domain/error.hpp"
#include "service/accounts.hpp"
#include "service/network.hpp"
#include "service/wallet.hpp"
#include "store/db.hpp"
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

void seed_demo(app::Context& ctx, const std::string& csv_path) {
    const UtcMs now = ctx.clock.now();
    std::vector<Credentials> creds;
    long long stations = 0;
    {
        auto sql = ctx.db.session();
        *sql << "SELECT COUNT(*) FROM stations", soci::into(stations);
    }
    if (stations > 0) {
        // Seeded before: the simulator needs passwords, which are stored only hashed, so issue new ones.
        std::vector<std::tuple<long long, std::string, std::string, long long, int>> rows;
        {
            auto sql = ctx.db.session();
            long long id = 0, rated = 0;
            int connectors = 0;
            std::string code, kind;
            soci::statement st = (sql->prepare << "SELECT c.id, c.code, c.kind, c.rated_w, "
                                                  "(SELECT COUNT(*) FROM connectors WHERE charger_id = c.id) "
                                                  "FROM chargers c ORDER BY c.id",
                                  soci::into(id), soci::into(code), soci::into(kind), soci::into(rated),
                                  soci::into(connectors));
            st.execute(false);
            while (st.fetch()) rows.emplace_back(id, code, kind, rated, connectors);
        }
        for (const auto& [id, code, kind, rated, connectors] : rows) {
            auto c = reset_charger_credentials(ctx, 0, id);
            creds.push_back({code, c.password, kind, connectors, rated});
        }
        write_csv(csv_path, creds);
        spdlog::info("event=demo_credentials_reissued chargers={} csv={}", creds.size(), csv_path);
        return;
    }

    std::int64_t tariff_id = 0;
    {
        auto sql = ctx.db.session();
        tariff_id = store::insert_tariff(*sql, "分时电价 (演示)", boost::json::serialize(boost::json::parse(kDemoTariff)), now);
    }
    for (const auto& s : kStations) {
        std::int64_t station_id = 0;
        {
            auto sql = ctx.db.session();
            store::StationRow row;
            row.name = s.name;
            row.address = s.address;
            row.lng = s.lng;
            row.lat = s.lat;
            row.timezone = "Asia/Shanghai";
            row.opening_hours = "00:00-24:00";
            row.tariff_id = tariff_id;
            station_id = store::insert_station(*sql, row, now);
        }
        struct Kind {
            const char* suffix;
            const char* kind;
            std::int64_t rated_w;
            int connectors;
        };
        for (const Kind& k : {Kind{"AC-01", "AC", 7000, 1}, Kind{"AC-02", "AC", 7000, 1}, Kind{"DC-01", "DC", 120000, 2}}) {
            NewCharger c;
            c.code = std::string(s.prefix) + "-" + k.suffix;
            c.station_id = station_id;
            c.name = std::string(k.kind) + " " + k.suffix;
            c.kind = k.kind;
            c.rated_w = k.rated_w;
            // Each gun may deliver the charger's full power alone (the simulator does); sharing is the charger's business.
            for (int n = 1; n <= k.connectors; ++n) c.connectors.push_back({n, k.rated_w});
            auto [id, mqtt] = create_charger(ctx, 0, c);
            creds.push_back({c.code, mqtt.password, k.kind, k.connectors, k.rated_w});
        }
    }
    {
        auto sql = ctx.db.session();
        soci::transaction tr(*sql);
        const std::int64_t driver = create_driver(*sql, "13800138000", "Demo1234", "演示车主", now);
        change_balance(*sql, driver, 20000, "topup", std::nullopt, std::nullopt, std::nullopt, "demo balance", now);
        create_employee(*sql, "operator", "Operator1234", "演示运营", Role::operator_, now);
        create_employee(*sql, "maintainer", "Maint1234", "演示运维", Role::maintainer, now);
        tr.commit();
    }
    write_csv(csv_path, creds);
    spdlog::info("event=demo_seeded stations={} chargers={} csv={}", std::size(kStations), creds.size(), csv_path);
}

}  // namespace kw::service
