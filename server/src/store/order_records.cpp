// What is recorded beside an order (declared in store/orders_repo.hpp): its billing samples, the
// transaction events applied once each, and the claims on its connector and driver. Every
// statement here runs on each session's start, readings or settlement: kept per connection
// (store/statement_cache.hpp).
#include "store/orders_repo.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

struct SampleExistsQuery {
    long long order_id = 0, at = 0, count = 0;
    soci::statement st;
    explicit SampleExistsQuery(soci::session& sql)
        : st((sql.prepare << "SELECT COUNT(*) FROM order_samples WHERE order_id = :o AND at = :a", soci::use(order_id),
              soci::use(at), soci::into(count))) {}
};

struct InsertSampleQuery {
    long long order_id = 0, at = 0, wh = 0;
    soci::statement st;
    explicit InsertSampleQuery(soci::session& sql)
        : st((sql.prepare << "INSERT INTO order_samples (order_id, at, wh) VALUES (:o, :a, :w)", soci::use(order_id),
              soci::use(at), soci::use(wh))) {}
};

struct SamplesQuery {
    long long order_id = 0, at = 0, wh = 0;
    soci::statement st;
    explicit SamplesQuery(soci::session& sql)
        : st((sql.prepare << "SELECT at, wh FROM order_samples WHERE order_id = :o ORDER BY at", soci::use(order_id),
              soci::into(at), soci::into(wh))) {}
};

struct TxEventRecordedQuery {
    long long charger_id = 0, seq = 0;
    std::string tx_id;
    long long count = 0;
    soci::statement st;
    explicit TxEventRecordedQuery(soci::session& sql)
        : st((sql.prepare << "SELECT COUNT(*) FROM tx_events WHERE charger_id = :c AND tx_id = :t AND seq = :s",
              soci::use(charger_id), soci::use(tx_id), soci::use(seq), soci::into(count))) {}
};

struct InsertTxEventQuery {
    long long charger_id = 0, seq = 0, now = 0;
    std::string tx_id, kind;
    soci::statement st;
    explicit InsertTxEventQuery(soci::session& sql)
        : st((sql.prepare << "INSERT INTO tx_events (charger_id, tx_id, seq, kind, received_at) "
                             "VALUES (:c, :t, :s, :k, :n)",
              soci::use(charger_id), soci::use(tx_id), soci::use(seq), soci::use(kind), soci::use(now))) {}
};

struct ClaimConnectorQuery {
    long long order_id = 0, charger_id = 0;
    int number = 0;
    soci::statement st;
    explicit ClaimConnectorQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE connectors SET active_order_id = :o WHERE charger_id = :c AND number = :n AND "
                             "active_order_id IS NULL",
              soci::use(order_id), soci::use(charger_id), soci::use(number))) {}
};

struct ClaimDriverQuery {
    long long order_id = 0, driver_id = 0;
    soci::statement st;
    explicit ClaimDriverQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE drivers SET active_order_id = :o WHERE id = :d AND active_order_id IS NULL",
              soci::use(order_id), soci::use(driver_id))) {}
};

// By the keys the claims were made with (create_order claims the order's own connector and driver):
// on the primary keys, not a scan of every connector and driver for the order's id.
struct ReleaseConnectorQuery {
    long long order_id = 0, charger_id = 0;
    int number = 0;
    soci::statement st;
    explicit ReleaseConnectorQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE connectors SET active_order_id = NULL WHERE charger_id = :c AND number = :n "
                             "AND active_order_id = :o",
              soci::use(charger_id), soci::use(number), soci::use(order_id))) {}
};

struct ReleaseDriverQuery {
    long long order_id = 0, driver_id = 0;
    soci::statement st;
    explicit ReleaseDriverQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE drivers SET active_order_id = NULL WHERE id = :d AND active_order_id = :o",
              soci::use(driver_id), soci::use(order_id))) {}
};

}  // namespace

void insert_sample(soci::session& sql, std::int64_t order_id, UtcMs at, std::int64_t wh) {
    const long long exists = select_count<SampleExistsQuery>(sql, [&](SampleExistsQuery& q) {
        q.order_id = order_id;
        q.at = at;
    });
    if (exists) return;
    change<InsertSampleQuery>(sql, [&](InsertSampleQuery& q) {
        q.order_id = order_id;
        q.at = at;
        q.wh = wh;
    });
}

std::vector<domain::Sample> samples(soci::session& sql, std::int64_t order_id) {
    return with_statement<SamplesQuery>(sql, [order_id](SamplesQuery& q) {
        q.order_id = order_id;
        q.st.execute(false);
        std::vector<domain::Sample> out;
        while (q.st.fetch()) out.push_back({q.at, q.wh});
        return out;
    });
}

bool tx_event_recorded(soci::session& sql, std::int64_t charger_id, const std::string& tx_id, std::int64_t seq) {
    return select_count<TxEventRecordedQuery>(sql, [&](TxEventRecordedQuery& q) {
               q.charger_id = charger_id;
               q.tx_id = tx_id;
               q.seq = seq;
           }) != 0;
}

bool record_tx_event(soci::session& sql, std::int64_t charger_id, const std::string& tx_id, std::int64_t seq,
                     const std::string& kind, UtcMs now) {
    if (tx_event_recorded(sql, charger_id, tx_id, seq)) return false;
    // The primary key still guards a race between two instances: the loser's transaction fails and
    // its message is redelivered, then found here.
    change<InsertTxEventQuery>(sql, [&](InsertTxEventQuery& q) {
        q.charger_id = charger_id;
        q.tx_id = tx_id;
        q.seq = seq;
        q.kind = kind;
        q.now = now;
    });
    return true;
}

bool claim_connector(soci::session& sql, std::int64_t charger_id, int connector_no, std::int64_t order_id) {
    return change<ClaimConnectorQuery>(sql, [&](ClaimConnectorQuery& q) {
               q.order_id = order_id;
               q.charger_id = charger_id;
               q.number = connector_no;
           }) == 1;
}

bool claim_driver(soci::session& sql, std::int64_t driver_id, std::int64_t order_id) {
    return change<ClaimDriverQuery>(sql, [&](ClaimDriverQuery& q) {
               q.order_id = order_id;
               q.driver_id = driver_id;
           }) == 1;
}

void release_claims(soci::session& sql, const Order& order) {
    change<ReleaseConnectorQuery>(sql, [&](ReleaseConnectorQuery& q) {
        q.order_id = order.id;
        q.charger_id = order.charger_id;
        q.number = order.connector_no;
    });
    if (order.driver_id == 0) return;
    change<ReleaseDriverQuery>(sql, [&](ReleaseDriverQuery& q) {
        q.order_id = order.id;
        q.driver_id = order.driver_id;
    });
}

}  // namespace kw::store
