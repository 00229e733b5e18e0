#include "service/schedules.hpp"

#include <boost/json.hpp>
#include <soci/boost-optional.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "service/orders.hpp"
#include "store/charger_refs.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

using boost::optional;

optional<long long> bopt(const std::optional<std::int64_t>& v) {
    return v ? optional<long long>(*v) : optional<long long>();
}

boost::json::value jopt(const optional<long long>& v) {
    return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

constexpr const char* kSelect =
    "SELECT s.id, c.code, s.connector_no, s.start_at, s.limit_wh, s.limit_fen, s.limit_minutes, s.state, "
    "s.fail_reason, s.order_id, s.created_at, s.updated_at FROM schedules s JOIN chargers c ON c.id = s.charger_id ";

struct Row {
    long long id = 0, start_at = 0, created_at = 0, updated_at = 0;
    std::string code, state;
    int connector = 0;
    optional<long long> limit_wh, limit_fen, limit_minutes, order_id;
    optional<std::string> fail_reason;

    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
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
    boost::json::object json() const {
        return {{"id", id},
                {"charger_code", code},
                {"connector", connector},
                {"start_at", format_utc(start_at)},
                {"limits", {{"energy_wh", jopt(limit_wh)}, {"amount_fen", jopt(limit_fen)}, {"minutes", jopt(limit_minutes)}}},
                {"state", state},
                {"fail_reason", fail_reason ? boost::json::value(*fail_reason) : boost::json::value(nullptr)},
                {"order_id", jopt(order_id)},
                {"created_at", format_utc(created_at)},
                {"updated_at", format_utc(updated_at)}};
    }
};

std::optional<boost::json::object> find(soci::session& sql, std::int64_t id, std::int64_t driver_id) {
    Row r;
    long long key = id, driver = driver_id;
    soci::statement st(sql);
    st.alloc();
    r.bind(st);
    st.exchange(soci::use(key));
    st.exchange(soci::use(driver));
    st.prepare(std::string(kSelect) + "WHERE s.id = :id AND s.driver_id = :d");
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return r.json();
}

void finish(soci::session& sql, long long id, const std::string& state, const optional<std::string>& reason,
            const optional<long long>& order_id, UtcMs now) {
    long long n = now;
    sql << "UPDATE schedules SET state = :s, fail_reason = :r, order_id = :o, updated_at = :n WHERE id = :id",
        soci::use(state), soci::use(reason), soci::use(order_id), soci::use(n), soci::use(id);
}

}  // namespace

boost::json::object create_schedule(app::Context& ctx, const ScheduleRequest& req) {
    const UtcMs now = ctx.clock.now();
    domain::validate_schedule_start(now, req.start_at);
    domain::validate_limits(req.limits);
    auto sql = ctx.db.session();
    auto charger = store::find_charger_ref(*sql, req.charger_code);
    if (!charger) throw Error(Errc::not_found, "no such charger: " + req.charger_code);
    if (req.connector < 1 || !store::connector_exists(*sql, charger->id, req.connector))
        throw Error(Errc::not_found, "no such connector: " + std::to_string(req.connector));
    long long driver = req.driver_id, charger_id = charger->id, start = req.start_at, n = now;
    int pending = 0;
    *sql << "SELECT COUNT(*) FROM schedules WHERE driver_id = :d AND state = 'pending'", soci::use(driver),
        soci::into(pending);
    if (pending >= 10) throw Error(Errc::conflict, "at most 10 pending schedules");
    auto lw = bopt(req.limits.energy_wh), lf = bopt(req.limits.amount_fen), lm = bopt(req.limits.minutes);
    soci::transaction tr(*sql);
    *sql << "INSERT INTO schedules (driver_id, charger_id, connector_no, start_at, limit_wh, limit_fen, limit_minutes, "
            "state, created_at, updated_at) VALUES (:d, :c, :n, :s, :lw, :lf, :lm, 'pending', :ca, :ua)",
        soci::use(driver), soci::use(charger_id), soci::use(req.connector), soci::use(start), soci::use(lw),
        soci::use(lf), soci::use(lm), soci::use(n), soci::use(n);
    std::int64_t id = ctx.db.last_insert_id(*sql);
    tr.commit();
    spdlog::info("event=schedule_created schedule={} driver={} start_at={}", id, req.driver_id, format_utc(req.start_at));
    return *find(*sql, id, req.driver_id);
}

boost::json::object list_schedules(app::Context& ctx, std::int64_t driver_id, std::int64_t limit, std::int64_t offset,
                                   std::int64_t* total_out, boost::json::array* items_out) {
    auto sql = ctx.db.session();
    long long driver = driver_id, lim = limit, off = offset, total = 0;
    *sql << "SELECT COUNT(*) FROM schedules WHERE driver_id = :d", soci::use(driver), soci::into(total);
    Row r;
    soci::statement st(*sql);
    st.alloc();
    r.bind(st);
    st.exchange(soci::use(driver));
    st.exchange(soci::use(lim));
    st.exchange(soci::use(off));
    st.prepare(std::string(kSelect) + "WHERE s.driver_id = :d ORDER BY s.id DESC LIMIT :l OFFSET :o");
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) items_out->push_back(r.json());
    *total_out = total;
    return {};
}

boost::json::object cancel_schedule(app::Context& ctx, std::int64_t driver_id, std::int64_t id) {
    auto sql = ctx.db.session();
    auto existing = find(*sql, id, driver_id);
    if (!existing) throw Error(Errc::not_found, "no such schedule");
    long long key = id, n = ctx.clock.now();
    soci::statement st = (sql->prepare << "UPDATE schedules SET state = 'cancelled', updated_at = :n "
                                          "WHERE id = :id AND state = 'pending'",
                          soci::use(n), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() != 1)
        throw Error(Errc::conflict, "the schedule is already " + std::string((*existing)["state"].as_string()));
    return *find(*sql, id, driver_id);
}

int fire_due_schedules(app::Context& ctx) {
    const UtcMs now = ctx.clock.now();
    struct Due {
        long long id, driver_id;
        std::string code;
        int connector;
        optional<long long> lw, lf, lm;
    };
    std::vector<Due> due;
    {
        auto sql = ctx.db.session();
        // A schedule left in 'firing' by a crashed instance: its order tells whether it fired.
        long long stale = now - 60'000;
        std::vector<long long> stuck(50);
        *sql << "SELECT id FROM schedules WHERE state = 'firing' AND updated_at < :t LIMIT 50", soci::use(stale),
            soci::into(stuck);
        for (long long id : stuck) {
            long long order_id = 0;
            *sql << "SELECT COALESCE(MAX(id), 0) FROM orders WHERE schedule_id = :s", soci::use(id), soci::into(order_id);
            if (order_id) finish(*sql, id, "fired", {}, order_id, now);
            else finish(*sql, id, "failed", std::string("interrupted by a server restart"), {}, now);
        }
        long long n = now;
        Due d{};
        soci::statement st = (sql->prepare << "SELECT s.id, s.driver_id, c.code, s.connector_no, s.limit_wh, "
                                              "s.limit_fen, s.limit_minutes FROM schedules s JOIN chargers c ON "
                                              "c.id = s.charger_id WHERE s.state = 'pending' AND s.start_at <= :n "
                                              "ORDER BY s.start_at LIMIT 50",
                              soci::use(n), soci::into(d.id), soci::into(d.driver_id), soci::into(d.code),
                              soci::into(d.connector), soci::into(d.lw), soci::into(d.lf), soci::into(d.lm));
        st.execute(false);
        while (st.fetch()) due.push_back(d);
    }
    int fired = 0;
    for (const Due& d : due) {
        {
            auto sql = ctx.db.session();
            long long id = d.id, n = now;
            soci::statement claim = (sql->prepare << "UPDATE schedules SET state = 'firing', updated_at = :n "
                                                     "WHERE id = :id AND state = 'pending'",
                                     soci::use(n), soci::use(id));
            claim.execute(true);
            if (claim.get_affected_rows() != 1) continue;  // another instance has it
        }
        ++fired;
        StartRequest req;
        req.driver_id = d.driver_id;
        req.charger_code = d.code;
        req.connector = d.connector;
        if (d.lw) req.limits.energy_wh = *d.lw;
        if (d.lf) req.limits.amount_fen = *d.lf;
        if (d.lm) req.limits.minutes = *d.lm;
        req.schedule_id = d.id;
        try {
            store::Order order = start_order(ctx, req);
            auto sql = ctx.db.session();
            finish(*sql, d.id, "fired", {}, order.id, ctx.clock.now());
            spdlog::info("event=schedule_fired schedule={} order={}", d.id, order.id);
        } catch (const Error& e) {
            auto sql = ctx.db.session();
            finish(*sql, d.id, "failed", std::string(e.what()), {}, ctx.clock.now());
            spdlog::info("event=schedule_failed schedule={} reason=\"{}\"", d.id, e.what());
        }
    }
    return fired;
}

}  // namespace kw::service
