#include "store/orders_repo.hpp"

#include <boost/json.hpp>
#include <soci/boost-optional.h>

#include "domain/error.hpp"
#include "domain/json_text.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

using boost::optional;

constexpr const char* kColumns =
    "o.id, o.driver_id, o.station_id, o.charger_id, o.connector_no, o.state, o.stop_reason, o.tx_id, "
    "o.schedule_id, o.tariff_spec, o.timezone, o.limit_wh, o.limit_fen, o.limit_minutes, o.deadline_at, "
    "o.meter_start_wh, o.meter_last_wh, o.meter_last_at, o.energy_wh, o.electricity_fen, o.service_fen, "
    "o.total_fen, o.paid_fen, o.refunded_fen, o.breakdown, o.created_at, o.started_at, o.stopped_at, "
    "o.settled_at, o.updated_at, c.code, s.name";
constexpr const char* kFrom =
    " FROM orders o JOIN chargers c ON c.id = o.charger_id JOIN stations s ON s.id = o.station_id ";

std::optional<std::int64_t> opt(const optional<long long>& v) {
    return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}
std::optional<std::string> opt(const optional<std::string>& v) {
    return v ? std::optional<std::string>(*v) : std::nullopt;
}
optional<long long> bopt(const std::optional<std::int64_t>& v) {
    return v ? optional<long long>(*v) : optional<long long>();
}
optional<std::string> bopt(const std::optional<std::string>& v) {
    return v ? optional<std::string>(*v) : optional<std::string>();
}

// Holds the into() targets of one order row.
struct Row {
    long long id = 0, driver_id = 0, station_id = 0, charger_id = 0;
    int connector_no = 0;
    std::string state;
    optional<std::string> stop_reason, tx_id;
    optional<long long> schedule_id;
    std::string tariff_spec, timezone;
    optional<long long> limit_wh, limit_fen, limit_minutes, deadline_at, meter_start_wh, meter_last_wh, meter_last_at;
    long long energy_wh = 0, electricity_fen = 0, service_fen = 0, total_fen = 0, paid_fen = 0, refunded_fen = 0;
    optional<std::string> breakdown;
    long long created_at = 0;
    optional<long long> started_at, stopped_at, settled_at;
    long long updated_at = 0;
    std::string charger_code, station_name;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(driver_id));
        st.exchange(soci::into(station_id));
        st.exchange(soci::into(charger_id));
        st.exchange(soci::into(connector_no));
        st.exchange(soci::into(state));
        st.exchange(soci::into(stop_reason));
        st.exchange(soci::into(tx_id));
        st.exchange(soci::into(schedule_id));
        st.exchange(soci::into(tariff_spec));
        st.exchange(soci::into(timezone));
        st.exchange(soci::into(limit_wh));
        st.exchange(soci::into(limit_fen));
        st.exchange(soci::into(limit_minutes));
        st.exchange(soci::into(deadline_at));
        st.exchange(soci::into(meter_start_wh));
        st.exchange(soci::into(meter_last_wh));
        st.exchange(soci::into(meter_last_at));
        st.exchange(soci::into(energy_wh));
        st.exchange(soci::into(electricity_fen));
        st.exchange(soci::into(service_fen));
        st.exchange(soci::into(total_fen));
        st.exchange(soci::into(paid_fen));
        st.exchange(soci::into(refunded_fen));
        st.exchange(soci::into(breakdown));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(started_at));
        st.exchange(soci::into(stopped_at));
        st.exchange(soci::into(settled_at));
        st.exchange(soci::into(updated_at));
        st.exchange(soci::into(charger_code));
        st.exchange(soci::into(station_name));
    }

    Order order() const {
        Order o;
        o.id = id;
        o.driver_id = driver_id;
        o.station_id = station_id;
        o.charger_id = charger_id;
        o.connector_no = connector_no;
        o.state = state;
        o.stop_reason = opt(stop_reason);
        o.tx_id = opt(tx_id);
        o.schedule_id = opt(schedule_id);
        o.tariff_spec = tariff_spec;
        o.timezone = timezone;
        o.limit_wh = opt(limit_wh);
        o.limit_fen = opt(limit_fen);
        o.limit_minutes = opt(limit_minutes);
        o.deadline_at = opt(deadline_at);
        o.meter_start_wh = opt(meter_start_wh);
        o.meter_last_wh = opt(meter_last_wh);
        o.meter_last_at = opt(meter_last_at);
        o.energy_wh = energy_wh;
        o.electricity_fen = electricity_fen;
        o.service_fen = service_fen;
        o.total_fen = total_fen;
        o.paid_fen = paid_fen;
        o.refunded_fen = refunded_fen;
        o.breakdown = opt(breakdown);
        o.created_at = created_at;
        o.started_at = opt(started_at);
        o.stopped_at = opt(stopped_at);
        o.settled_at = opt(settled_at);
        o.updated_at = updated_at;
        o.charger_code = charger_code;
        o.station_name = station_name;
        return o;
    }
};

// Runs a SELECT of kColumns with extra uses bound by `bind_uses`, collecting every row.
template <class BindUses>
std::vector<Order> select_orders(soci::session& sql, const std::string& where_and_tail, BindUses bind_uses) {
    Row row;
    soci::statement st(sql);
    st.alloc();
    row.bind(st);
    bind_uses(st);
    st.prepare(std::string("SELECT ") + kColumns + kFrom + where_and_tail);
    st.define_and_bind();
    st.execute(false);
    std::vector<Order> out;
    while (st.fetch()) out.push_back(row.order());
    return out;
}

long long affected(soci::statement& st) { return st.get_affected_rows(); }

// find_order's statement, kept per connection in its StatementCache.
struct FindOrderQuery {
    Row row;
    long long id = 0;
    soci::statement st;
    explicit FindOrderQuery(soci::session& sql) : st(sql) {
        st.alloc();
        row.bind(st);
        st.exchange(soci::use(id));
        st.prepare(std::string("SELECT ") + kColumns + kFrom + "WHERE o.id = :id");
        st.define_and_bind();
    }
};

// The statements of starting, charging and settling a session, kept per connection (every
// transaction event runs them on SQLite's one writer: parsing them again was a fifth of the
// server's CPU under the OCPP load, docs/performance.md).
struct InsertOrderQuery {
    long long driver_id = 0, station_id = 0, charger_id = 0, created = 0;
    int connector_no = 0;
    std::string state, tariff_spec, timezone;
    optional<long long> schedule_id, limit_wh, limit_fen, limit_minutes, deadline;
    soci::statement st;
    explicit InsertOrderQuery(soci::session& sql)
        : st((sql.prepare << "INSERT INTO orders (driver_id, station_id, charger_id, connector_no, state, schedule_id, "
                             "tariff_spec, timezone, limit_wh, limit_fen, limit_minutes, deadline_at, created_at, "
                             "updated_at) VALUES (:d, :s, :c, :n, :st, :sch, :ts, :tz, :lw, :lf, :lm, :dl, :ca, :ua)",
              soci::use(driver_id), soci::use(station_id), soci::use(charger_id), soci::use(connector_no),
              soci::use(state), soci::use(schedule_id), soci::use(tariff_spec), soci::use(timezone),
              soci::use(limit_wh), soci::use(limit_fen), soci::use(limit_minutes), soci::use(deadline),
              soci::use(created), soci::use(created))) {}
};

struct ApplyEventQuery {
    std::string to, from;
    optional<std::string> reason;
    optional<long long> deadline;
    long long now = 0, id = 0;
    soci::statement st;
    explicit ApplyEventQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE orders SET state = :to, stop_reason = COALESCE(:r, stop_reason), "
                             "deadline_at = :dl, updated_at = :n WHERE id = :id AND state = :from",
              soci::use(to), soci::use(reason), soci::use(deadline), soci::use(now), soci::use(id),
              soci::use(from))) {}
};

struct MarkStartedQuery {
    std::string tx_id;
    long long meter = 0, started = 0, now = 0, id = 0;
    soci::statement st;
    explicit MarkStartedQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE orders SET tx_id = :tx, meter_start_wh = :m, meter_last_wh = :m2, "
                             "meter_last_at = :s2, started_at = :s, deadline_at = NULL, updated_at = :n WHERE id = :id",
              soci::use(tx_id), soci::use(meter), soci::use(meter), soci::use(started), soci::use(started),
              soci::use(now), soci::use(id))) {}
};

struct WriteSettlementQuery {
    std::string stop_reason, breakdown;
    optional<std::string> tx;
    optional<long long> start_wh, started;
    long long end_wh = 0, energy = 0, elec = 0, service = 0, total = 0, paid = 0, stopped = 0, now = 0, id = 0;
    soci::statement st;
    explicit WriteSettlementQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE orders SET stop_reason = :r, tx_id = COALESCE(tx_id, :tx), "
                             "meter_start_wh = COALESCE(meter_start_wh, :sw), started_at = COALESCE(started_at, :sa), "
                             "meter_last_wh = :ew, energy_wh = :e, electricity_fen = :el, service_fen = :sv, "
                             "total_fen = :t, paid_fen = :p, breakdown = :b, stopped_at = :so, settled_at = :n, "
                             "deadline_at = NULL, updated_at = :n2 WHERE id = :id",
              soci::use(stop_reason), soci::use(tx), soci::use(start_wh), soci::use(started), soci::use(end_wh),
              soci::use(energy), soci::use(elec), soci::use(service), soci::use(total), soci::use(paid),
              soci::use(breakdown), soci::use(stopped), soci::use(now), soci::use(now), soci::use(id))) {}
};

}  // namespace

std::int64_t insert_order(soci::session& sql, const Order& o) {
    change<InsertOrderQuery>(sql, [&](InsertOrderQuery& q) {
        q.driver_id = o.driver_id;
        q.station_id = o.station_id;
        q.charger_id = o.charger_id;
        q.connector_no = o.connector_no;
        q.state = o.state;
        q.schedule_id = bopt(o.schedule_id);
        q.tariff_spec = o.tariff_spec;
        q.timezone = o.timezone;
        q.limit_wh = bopt(o.limit_wh);
        q.limit_fen = bopt(o.limit_fen);
        q.limit_minutes = bopt(o.limit_minutes);
        q.deadline = bopt(o.deadline_at);
        q.created = o.created_at;
    });
    long long id = 0;
    if (!sql.get_last_insert_id("orders", id)) throw Error(Errc::internal, "no id for the order");
    return id;
}

std::optional<Order> find_order(soci::session& sql, std::int64_t id) {
    return with_statement<FindOrderQuery>(sql, [id](FindOrderQuery& q) {
        q.id = id;
        q.st.execute(false);
        std::optional<Order> out;
        while (q.st.fetch()) out = q.row.order();  // to the end: see StatementCache
        return out;
    });
}

std::vector<Order> list_orders(soci::session& sql, const OrderFilter& f, std::int64_t limit, std::int64_t offset,
                               std::int64_t* total) {
    // Every optional filter is bound (NULL disables it), so the SQL text is fixed: no user text in it.
    optional<long long> driver = bopt(f.driver_id), station = bopt(f.station_id), charger = bopt(f.charger_id),
                        from = bopt(f.from), to = bopt(f.to);
    optional<std::string> state = bopt(f.state);
    int active = f.active_only ? 1 : 0;
    const std::string where =
        "WHERE (:d1 IS NULL OR o.driver_id = :d2) AND (:s1 IS NULL OR o.station_id = :s2) "
        "AND (:c1 IS NULL OR o.charger_id = :c2) AND (:st1 IS NULL OR o.state = :st2) "
        "AND (:f1 IS NULL OR o.created_at >= :f2) AND (:t1 IS NULL OR o.created_at < :t2) "
        "AND (:a = 0 OR o.state IN ('starting','charging','stopping')) ";
    auto bind = [&](soci::statement& st) {
        st.exchange(soci::use(driver, "d1"));
        st.exchange(soci::use(driver, "d2"));
        st.exchange(soci::use(station, "s1"));
        st.exchange(soci::use(station, "s2"));
        st.exchange(soci::use(charger, "c1"));
        st.exchange(soci::use(charger, "c2"));
        st.exchange(soci::use(state, "st1"));
        st.exchange(soci::use(state, "st2"));
        st.exchange(soci::use(from, "f1"));
        st.exchange(soci::use(from, "f2"));
        st.exchange(soci::use(to, "t1"));
        st.exchange(soci::use(to, "t2"));
        st.exchange(soci::use(active, "a"));
    };
    if (total) {
        long long count = 0;
        soci::statement st(sql);
        st.alloc();
        st.exchange(soci::into(count));
        bind(st);
        st.prepare("SELECT COUNT(*) FROM orders o " + where);
        st.define_and_bind();
        st.execute(true);
        *total = count;
    }
    long long lim = limit, off = offset;
    return select_orders(sql, where + "ORDER BY o.id DESC LIMIT :lim OFFSET :off", [&](soci::statement& st) {
        bind(st);
        st.exchange(soci::use(lim, "lim"));
        st.exchange(soci::use(off, "off"));
    });
}

std::vector<Order> active_orders_of_charger(soci::session& sql, std::int64_t charger_id) {
    long long c = charger_id;
    return select_orders(sql, "WHERE o.charger_id = :c AND o.state IN ('starting','charging','stopping')",
                         [&](soci::statement& st) { st.exchange(soci::use(c)); });
}

std::vector<std::int64_t> overdue_orders(soci::session& sql, domain::OrderState state, UtcMs now, int limit) {
    long long n = now;
    const std::string state_text(domain::to_string(state));
    std::vector<long long> ids(static_cast<std::size_t>(limit));
    sql << "SELECT id FROM orders WHERE state = :s AND deadline_at < :n ORDER BY deadline_at LIMIT " +
               std::to_string(limit),
        soci::use(state_text), soci::use(n), soci::into(ids);
    return {ids.begin(), ids.end()};
}

std::vector<Order> silent_active_orders(soci::session& sql, UtcMs cutoff, int limit) {
    long long c = cutoff;
    return select_orders(
        sql,
        "WHERE o.state IN ('charging','stopping') AND COALESCE(o.meter_last_at, o.started_at, o.created_at) < :c "
        "ORDER BY o.id LIMIT " + std::to_string(limit),
        [&](soci::statement& st) { st.exchange(soci::use(c)); });
}

std::optional<domain::OrderState> apply_event(soci::session& sql, std::int64_t id, domain::OrderState from,
                                              domain::OrderEvent event,
                                              const std::optional<domain::StopReason>& stop_reason,
                                              std::optional<UtcMs> deadline, UtcMs now) {
    const std::optional<domain::OrderState> to = domain::next_state(from, event);
    if (!to) return std::nullopt;
    const long long changed = change<ApplyEventQuery>(sql, [&](ApplyEventQuery& q) {
        q.to = domain::to_string(*to);
        q.from = domain::to_string(from);
        q.reason = stop_reason ? optional<std::string>(std::string(domain::to_string(*stop_reason)))
                               : optional<std::string>();
        q.deadline = bopt(deadline);
        q.now = now;
        q.id = id;
    });
    if (changed != 1) return std::nullopt;
    return to;
}

void mark_started(soci::session& sql, std::int64_t id, const std::string& tx_id, std::int64_t meter_start_wh,
                  UtcMs started_at, UtcMs now) {
    change<MarkStartedQuery>(sql, [&](MarkStartedQuery& q) {
        q.tx_id = tx_id;
        q.meter = meter_start_wh;
        q.started = started_at;
        q.now = now;
        q.id = id;
    });
}

void mark_cancelled(soci::session& sql, std::int64_t id, UtcMs now) {
    long long key = id, n = now;
    sql << "UPDATE orders SET stopped_at = :n, settled_at = :n2 WHERE id = :id", soci::use(n), soci::use(n),
        soci::use(key);
}

bool add_refunded(soci::session& sql, std::int64_t id, std::int64_t amount_fen, UtcMs now) {
    // Guarded update: a concurrent refund cannot push refunded past paid.
    long long key = id, a = amount_fen, n = now;
    soci::statement st = (sql.prepare << "UPDATE orders SET refunded_fen = refunded_fen + :a, updated_at = :n "
                                         "WHERE id = :id AND refunded_fen + :a2 <= paid_fen",
                          soci::use(a), soci::use(n), soci::use(key), soci::use(a));
    st.execute(true);
    return affected(st) == 1;
}

void update_meter(soci::session& sql, std::int64_t id, std::int64_t wh, UtcMs at) {
    long long key = id, w = wh, a = at;
    sql << "UPDATE orders SET meter_last_wh = :w, meter_last_at = :a, updated_at = :u WHERE id = :id "
           "AND (meter_last_at IS NULL OR meter_last_at <= :a2)",
        soci::use(w), soci::use(a), soci::use(a), soci::use(key), soci::use(a);
}

void write_settlement(soci::session& sql, std::int64_t id, const Settlement& s, UtcMs now) {
    change<WriteSettlementQuery>(sql, [&](WriteSettlementQuery& q) {
        q.stop_reason = s.stop_reason;
        q.tx = bopt(s.tx_id);
        q.start_wh = bopt(s.meter_start_wh);
        q.started = bopt(s.started_at);
        q.end_wh = s.meter_end_wh;
        q.energy = s.bill.energy_wh;
        q.elec = s.bill.electricity_fen;
        q.service = s.bill.service_fen;
        q.total = s.bill.total_fen;
        q.paid = s.paid_fen;
        q.breakdown = domain::to_json(domain::bill_to_json(s.bill));
        q.stopped = s.stopped_at;
        q.now = now;
        q.id = id;
    });
}

}  // namespace kw::store
