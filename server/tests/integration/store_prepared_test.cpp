// Statements prepared once per pooled connection (store/statement_cache.hpp), on real SQLite (with
// its read-only connections) and MariaDB: a kept statement answers every later call with the rows
// as they are now, never a snapshot from its first use, and an unknown id finds nothing.
#include <gtest/gtest.h>

#include <memory>

#include "store_db.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/orders_repo.hpp"
#include "store/stations_repo.hpp"
#include "store/tariffs_repo.hpp"

namespace kw::store {
namespace {

constexpr UtcMs kNow = 1'780'000'000'000;

class StorePrepared : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        auto s = db_.session();
        const auto tariff = insert_tariff(*s, "flat", R"({"segments":[]})", kNow);
        StationRow station;
        station.name = "Prepared";
        station.timezone = "Asia/Shanghai";
        station.opening_hours = "00:00-24:00";
        station.tariff_id = tariff;
        const auto station_id = insert_station(*s, station, kNow);
        ChargerRow charger;
        charger.code = "PREP-1";
        charger.station_id = station_id;
        charger.name = "P1";
        charger.kind = "AC";
        charger.rated_w = 7000;
        Order o;
        o.driver_id = 1;
        o.station_id = station_id;
        o.charger_id = insert_charger(*s, charger, kNow);
        o.connector_no = 1;
        o.state = "charging";
        o.tariff_spec = R"({"segments":[]})";
        o.timezone = "Asia/Shanghai";
        o.created_at = kNow;
        order_ = insert_order(*s, o);
    }

    std::int64_t energy_read_through_cache(Db::Session& s) {
        auto o = find_order(s, order_);
        EXPECT_TRUE(o.has_value());
        return o ? o->energy_wh : -1;
    }
    // Another statement on the same connection.
    std::int64_t energy_read_plainly(Db::Session& s) {
        long long energy = -1, key = order_;
        *s << "SELECT energy_wh FROM orders WHERE id = :id", soci::into(energy), soci::use(key);
        return energy;
    }

    kw::test::StoreDb store_{GetParam(), "kw-store-prepared", 2};
    store::Db& db_ = store_.db();
    std::int64_t order_ = 0;
};

TEST_P(StorePrepared, KeptStatementSeesEveryWriteCommittedAfterItsFirstUse) {
    // Both read connections prepare and keep the statement (two sessions held at once).
    {
        auto a = db_.read_session();
        auto b = db_.read_session();
        ASSERT_TRUE(find_order(a, order_).has_value());
        ASSERT_TRUE(find_order(b, order_).has_value());
        EXPECT_EQ(a.statements().size(), 1u);
        EXPECT_EQ(b.statements().size(), 1u);
    }
    // One read connection throughout: a kept statement left before its end would pin the snapshot
    // of its last run, and the connection's other statements would read that old snapshot.
    auto r = db_.read_session();
    for (long long energy : {1234LL, 5678LL, 91011LL}) {
        {
            auto w = db_.session();
            long long key = order_;
            *w << "UPDATE orders SET energy_wh = :e WHERE id = :id", soci::use(energy), soci::use(key);
        }
        EXPECT_EQ(energy_read_plainly(r), energy);
        EXPECT_EQ(energy_read_through_cache(r), energy);
    }
}

TEST_P(StorePrepared, KeptStatementFindsNothingForAnUnknownIdAndStillWorksAfter) {
    auto s = db_.read_session();
    EXPECT_FALSE(find_order(s, order_ + 1000).has_value());
    auto o = find_order(s, order_);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->charger_code, "PREP-1");
    EXPECT_EQ(o->station_name, "Prepared");
    EXPECT_EQ(o->state, "charging");
    EXPECT_FALSE(find_order(s, -1).has_value());
}

INSTANTIATE_TEST_SUITE_P(Db, StorePrepared, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "MariaDb" : "Sqlite"; });

}  // namespace
}  // namespace kw::store
