#include "store/schedules_repo.hpp"

#include <soci/boost-optional.h>

#include "domain/error.hpp"

namespace kw::store {

namespace {

using boost::optional;

optional<long long> bopt(const std::optional<std::int64_t>& v) {
    return v ? optional<long long>(*v) : optional<long long>();
}
std::optional<std::int64_t> sopt(const optional<long long>& v) {
    return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

constexpr const char* kSelect =
    "SELECT s.id, s.driver_id, c.code, s.connector_no, s.start_at, s.limit_wh, s.limit_fen, s.limit_minutes, "
    "s.state, s.fail_reason, s.order_id, s.created_at, s.updated_at FROM schedules s "
    "JOIN chargers c ON c.id = s.charger_id ";

// SOCI binds into these (long long, boost::optional); rows are copied out as ScheduleRow.
struct Bound {
    long long id = 0, driver_id = 0, start_at = 0, created_at = 0, updated_at = 0;
    std::string code, state;
    int connector = 0;
    optional<long long> limit_wh, limit_fen, limit_minutes, order_id;
    optional<std::string> fail_reason;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(driver_id));
        st.exchange(soci::into(code));
        st.exchange(soci::into(connector));
        st.exchange(soci::into(start_at));
        st.exchange(soci::into(limit_wh));
        st.exchange(soci::into(limit_fen));
        st.exchange(soci::into(limit_minutes));
        st.exchange(soci::into(state));
        st.exchange(soci::into(fail_reason));
        st.exchange(soci::into(order_id));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }
    ScheduleRow row() const {
        ScheduleRow r;
        r.id = id;
        r.driver_id = driver_id;
        r.charger_code = code;
        r.connector = connector;
        r.start_at = start_at;
        r.limit_wh = sopt(limit_wh);
        r.limit_fen = sopt(limit_fen);
        r.limit_minutes = sopt(limit_minutes);
        r.state = state;
        if (fail_reason) r.fail_reason = *fail_reason;
        r.order_id = sopt(order_id);
        r.created_at = created_at;
        r.updated_at = updated_at;
        return r;
    }
};

// Runs kSelect + `where` with the given uses bound after the columns; collects every row.
template <class... Uses>
std::vector<ScheduleRow> select(soci::session& sql, const std::string& where, Uses&... uses) {
    Bound b;
    soci::statement st(sql);
    st.alloc();
    b.bind(st);
    (st.exchange(soci::use(uses)), ...);
    st.prepare(std::string(kSelect) + where);
    st.define_and_bind();
    st.execute(false);
    std::vector<ScheduleRow> out;
    while (st.fetch()) out.push_back(b.row());
    return out;
}

bool conditional_update(soci::session& sql, const char* text, long long now, long long id) {
    soci::statement st = (sql.prepare << text, soci::use(now), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

}  // namespace

std::int64_t insert_schedule(soci::session& sql, const NewSchedule& s, UtcMs now) {
    long long driver = s.driver_id, charger = s.charger_id, start = s.start_at, n = now;
    auto lw = bopt(s.limit_wh), lf = bopt(s.limit_fen), lm = bopt(s.limit_minutes);
    sql << "INSERT INTO schedules (driver_id, charger_id, connector_no, start_at, limit_wh, limit_fen, limit_minutes, "
           "state, created_at, updated_at) VALUES (:d, :c, :n, :s, :lw, :lf, :lm, 'pending', :ca, :ua)",
        soci::use(driver), soci::use(charger), soci::use(s.connector), soci::use(start), soci::use(lw),
        soci::use(lf), soci::use(lm), soci::use(n), soci::use(n);
    long long id = 0;
    if (!sql.get_last_insert_id("schedules", id)) throw Error(Errc::internal, "no id for the new schedule");
    return id;
}

std::optional<ScheduleRow> find_schedule(soci::session& sql, std::int64_t id, std::int64_t driver_id) {
    long long key = id, driver = driver_id;
    auto rows = select(sql, "WHERE s.id = :id AND s.driver_id = :d", key, driver);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<ScheduleRow> list_schedules(soci::session& sql, std::int64_t driver_id, std::int64_t limit,
                                        std::int64_t offset) {
    long long driver = driver_id, lim = limit, off = offset;
    return select(sql, "WHERE s.driver_id = :d ORDER BY s.id DESC LIMIT :l OFFSET :o", driver, lim, off);
}

std::int64_t count_schedules(soci::session& sql, std::int64_t driver_id) {
    long long driver = driver_id, n = 0;
    sql << "SELECT COUNT(*) FROM schedules WHERE driver_id = :d", soci::use(driver), soci::into(n);
    return n;
}

std::int64_t count_pending_schedules(soci::session& sql, std::int64_t driver_id) {
    long long driver = driver_id, n = 0;
    sql << "SELECT COUNT(*) FROM schedules WHERE driver_id = :d AND state = 'pending'", soci::use(driver),
        soci::into(n);
    return n;
}

bool cancel_pending_schedule(soci::session& sql, std::int64_t id, UtcMs now) {
    return conditional_update(
        sql, "UPDATE schedules SET state = 'cancelled', updated_at = :n WHERE id = :id AND state = 'pending'", now,
        id);
}

bool claim_schedule(soci::session& sql, std::int64_t id, UtcMs now) {
    return conditional_update(
        sql, "UPDATE schedules SET state = 'firing', updated_at = :n WHERE id = :id AND state = 'pending'", now, id);
}

void release_schedule(soci::session& sql, std::int64_t id, UtcMs now) {
    conditional_update(sql, "UPDATE schedules SET state = 'pending', updated_at = :n WHERE id = :id AND state = 'firing'",
                       now, id);
}

void finish_schedule(soci::session& sql, std::int64_t id, const std::string& state,
                     const std::optional<std::string>& reason, const std::optional<std::int64_t>& order_id,
                     UtcMs now) {
    long long key = id, n = now;
    optional<std::string> r = reason ? optional<std::string>(*reason) : optional<std::string>();
    optional<long long> o = bopt(order_id);
    sql << "UPDATE schedules SET state = :s, fail_reason = :r, order_id = :o, updated_at = :n WHERE id = :id",
        soci::use(state), soci::use(r), soci::use(o), soci::use(n), soci::use(key);
}

std::vector<ScheduleRow> due_schedules(soci::session& sql, UtcMs now, int limit) {
    long long n = now, lim = limit;
    return select(sql, "WHERE s.state = 'pending' AND s.start_at <= :n ORDER BY s.start_at LIMIT :l", n, lim);
}

std::vector<std::int64_t> stale_firing_schedules(soci::session& sql, UtcMs before, int limit) {
    long long t = before, lim = limit;
    std::vector<long long> ids(static_cast<std::size_t>(limit));
    sql << "SELECT id FROM schedules WHERE state = 'firing' AND updated_at < :t LIMIT :l", soci::use(t),
        soci::use(lim), soci::into(ids);
    return {ids.begin(), ids.end()};
}

std::int64_t order_of_schedule(soci::session& sql, std::int64_t schedule_id) {
    long long key = schedule_id, order_id = 0;
    sql << "SELECT COALESCE(MAX(id), 0) FROM orders WHERE schedule_id = :s", soci::use(key), soci::into(order_id);
    return order_id;
}

}  // namespace kw::store
