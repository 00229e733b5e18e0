// Statements prepared once per pooled connection (store/statement_cache.hpp), on real SQLite (with
// its read-only connections) and MariaDB: a kept statement answers every later call with the rows
// as they are now, never a snapshot from its first use, and an unknown id finds nothing.
#include <gtest/gtest.h>

#include <memory>

#include "store_db.hpp"
#include "store/charger_refs.hpp"
#include "store/chargers_repo.hpp"
#include "store/db.hpp"
#include "store/drivers_repo.hpp"
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
        auto o = find_order(*s, order_);
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
        // MySQL reads share the pool: the fixture's insert_order kept its statement on one of them.
        const std::size_t kept_a = a.statements().size(), kept_b = b.statements().size();
        ASSERT_TRUE(find_order(*a, order_).has_value());
        ASSERT_TRUE(find_order(*b, order_).has_value());
        EXPECT_EQ(a.statements().size(), kept_a + 1);
        EXPECT_EQ(b.statements().size(), kept_b + 1);
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
    EXPECT_FALSE(find_order(*s, order_ + 1000).has_value());
    auto o = find_order(*s, order_);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->charger_code, "PREP-1");
    EXPECT_EQ(o->station_name, "Prepared");
    EXPECT_EQ(o->state, "charging");
    EXPECT_FALSE(find_order(*s, -1).has_value());
}

// A repository function on a plain soci::session keeps its statement when the session is one of
// the Db's pooled connections (the charging flow's statements), and each later call reuses it with
// its new values: the tx-event record answers per (charger, tx, seq), never the first call's.
TEST_P(StorePrepared, RepositoryOnAPooledConnectionKeepsItsStatementAndBindsEachCallsValues) {
    auto w = db_.session();
    const std::size_t before = w.statements().size();
    EXPECT_FALSE(tx_event_recorded(*w, 7, "T-1", 1));
    EXPECT_EQ(w.statements().size(), before + 1);
    EXPECT_TRUE(record_tx_event(*w, 7, "T-1", 1, "started", kNow));
    EXPECT_EQ(w.statements().size(), before + 2);  // the insert is kept too
    EXPECT_TRUE(tx_event_recorded(*w, 7, "T-1", 1));
    EXPECT_FALSE(tx_event_recorded(*w, 7, "T-1", 2));
    EXPECT_FALSE(tx_event_recorded(*w, 8, "T-1", 1));
    EXPECT_FALSE(record_tx_event(*w, 7, "T-1", 1, "started", kNow));
    EXPECT_TRUE(record_tx_event(*w, 7, "T-1", 2, "ended", kNow));
    EXPECT_TRUE(tx_event_recorded(*w, 7, "T-1", 2));
    EXPECT_EQ(w.statements().size(), before + 2);
}

// Claims are released by the keys they were made with: the order's connector and driver are free
// again, and another order's claims stay.
TEST_P(StorePrepared, ReleasingAnOrdersClaimsFreesItsConnectorAndDriverOnly) {
    auto w = db_.session();
    auto order = find_order(*w, order_);
    ASSERT_TRUE(order.has_value());
    insert_connector(*w, order->charger_id, order->connector_no, 7000);
    order->driver_id = insert_driver(*w, "13900000001", "", "claims", kNow);
    ASSERT_TRUE(claim_connector(*w, order->charger_id, order->connector_no, order->id));
    ASSERT_TRUE(claim_driver(*w, order->driver_id, order->id));
    EXPECT_FALSE(claim_connector(*w, order->charger_id, order->connector_no, order->id + 1));  // held
    EXPECT_FALSE(claim_driver(*w, order->driver_id, order->id + 1));
    release_claims(*w, *order);
    EXPECT_TRUE(claim_connector(*w, order->charger_id, order->connector_no, order->id + 1));
    EXPECT_TRUE(claim_driver(*w, order->driver_id, order->id + 1));
    Order other = *order;
    other.id = order->id + 2;
    release_claims(*w, other);  // not the holder: the claims of order + 1 stay
    EXPECT_FALSE(claim_connector(*w, order->charger_id, order->connector_no, order->id + 3));
    EXPECT_FALSE(claim_driver(*w, order->driver_id, order->id + 3));
}

// The device messages' lookup by code (store/charger_refs.hpp, find_charger_key) says what the full
// charger ref says of the charger's ids and connectors, sees a connector added after its first use,
// and finds nothing for an unknown code.
TEST_P(StorePrepared, ChargerKeyByCodeAgreesWithTheChargerRefAndSeesConnectorsAddedLater) {
    auto r = db_.read_session();
    const auto before = find_charger_key(*r, "PREP-1");
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(before->connectors, 0);
    {
        auto w = db_.session();
        insert_connector(*w, before->id, 1, 7000);
        insert_connector(*w, before->id, 2, 7000);
    }
    const auto key = find_charger_key(*r, "PREP-1");
    const auto ref = find_charger_ref(*r, std::string("PREP-1"));
    ASSERT_TRUE(key.has_value());
    ASSERT_TRUE(ref.has_value());
    EXPECT_EQ(key->id, ref->id);
    EXPECT_EQ(key->id, find_order(*r, order_)->charger_id);
    EXPECT_EQ(key->station_id, ref->station_id);
    EXPECT_EQ(key->connectors, 2);
    EXPECT_EQ(key->connectors, ref->connectors);
    EXPECT_FALSE(find_charger_key(*r, "PREP-404").has_value());
    EXPECT_TRUE(find_charger_key(*r, "PREP-1").has_value());
}

INSTANTIATE_TEST_SUITE_P(Db, StorePrepared, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "MariaDb" : "Sqlite"; });

}  // namespace
}  // namespace kw::store
