#include "store/wallet_repo.hpp"

#include <soci/boost-optional.h>

#include "domain/error.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

std::optional<std::int64_t> from(const boost::optional<long long>& v) {
    if (!v) return std::nullopt;
    return *v;
}

boost::optional<long long> to(const std::optional<std::int64_t>& v) {
    if (!v) return boost::none;
    return static_cast<long long>(*v);
}

}  // namespace

namespace {

// The statements of every session's settlement, kept per connection (store/statement_cache.hpp).
struct AddToBalanceQuery {
    long long id = 0, delta = 0, now = 0;
    soci::statement st;
    explicit AddToBalanceQuery(soci::session& sql)
        : st((sql.prepare << "UPDATE drivers SET balance_fen = balance_fen + :d, updated_at = :t "
                             "WHERE id = :id AND balance_fen + :d2 >= 0",
              soci::use(delta), soci::use(now), soci::use(id), soci::use(delta))) {}
};

struct StandingQuery {
    long long id = 0, balance = 0;
    std::string status;
    soci::statement st;
    explicit StandingQuery(soci::session& sql)
        : st((sql.prepare << "SELECT status, balance_fen FROM drivers WHERE id = :id", soci::use(id),
              soci::into(status), soci::into(balance))) {}
};

struct InsertLedgerQuery {
    long long driver = 0, delta = 0, after = 0, created = 0;
    std::string reason, note;
    boost::optional<long long> order, topup, employee;
    soci::statement st;
    explicit InsertLedgerQuery(soci::session& sql)
        : st((sql.prepare << "INSERT INTO wallet_ledger (driver_id, delta_fen, balance_after_fen, reason, order_id, "
                             "topup_id, employee_id, note, created_at) VALUES (:driver, :delta, :after, :reason, "
                             ":order_id, :topup_id, :employee_id, :note, :t)",
              soci::use(driver), soci::use(delta), soci::use(after), soci::use(reason), soci::use(order),
              soci::use(topup), soci::use(employee), soci::use(note), soci::use(created))) {}
};

std::optional<DriverStanding> standing(soci::session& sql, std::int64_t driver_id) {
    return with_statement<StandingQuery>(sql, [driver_id](StandingQuery& q) {
        q.id = driver_id;
        q.st.execute(false);
        std::optional<DriverStanding> out;
        while (q.st.fetch()) out = DriverStanding{q.status, q.balance};  // to the end: see StatementCache
        return out;
    });
}

}  // namespace

bool add_to_balance(soci::session& sql, std::int64_t driver_id, std::int64_t delta_fen, UtcMs now) {
    return with_statement<AddToBalanceQuery>(sql, [&](AddToBalanceQuery& q) {
        q.id = driver_id;
        q.delta = delta_fen;
        q.now = now;
        q.st.execute(true);
        return q.st.get_affected_rows() > 0;
    });
}

std::optional<std::int64_t> read_balance(soci::session& sql, std::int64_t driver_id) {
    if (auto s = standing(sql, driver_id)) return s->balance_fen;
    return std::nullopt;
}

std::optional<DriverStanding> read_driver_standing(soci::session& sql, std::int64_t driver_id) {
    return standing(sql, driver_id);
}

std::int64_t insert_ledger(soci::session& sql, const LedgerRow& row) {
    with_statement<InsertLedgerQuery>(sql, [&row](InsertLedgerQuery& q) {
        q.driver = row.driver_id;
        q.delta = row.delta_fen;
        q.after = row.balance_after_fen;
        q.reason = row.reason;
        q.order = to(row.order_id);
        q.topup = to(row.topup_id);
        q.employee = to(row.employee_id);
        q.note = row.note;
        q.created = row.created_at;
        q.st.execute(true);
    });
    long long id = 0;
    if (!sql.get_last_insert_id("wallet_ledger", id)) throw Error(Errc::internal, "no id for the ledger row");
    return id;
}

std::vector<LedgerRow> list_ledger(soci::session& sql, std::int64_t driver_id, std::int64_t limit,
                                   std::int64_t offset) {
    long long key = driver_id, n = limit, m = offset;
    long long id = 0, delta = 0, after = 0, created = 0;
    boost::optional<long long> order, topup, employee;
    LedgerRow row;
    soci::statement st =
        (sql.prepare
             << "SELECT id, delta_fen, balance_after_fen, reason, order_id, topup_id, employee_id, note, "
                "created_at FROM wallet_ledger WHERE driver_id = :id ORDER BY id DESC LIMIT :n OFFSET :m",
         soci::into(id), soci::into(delta), soci::into(after), soci::into(row.reason), soci::into(order),
         soci::into(topup), soci::into(employee), soci::into(row.note), soci::into(created), soci::use(key),
         soci::use(n), soci::use(m));
    st.execute();
    std::vector<LedgerRow> out;
    while (st.fetch()) {
        row.id = id;
        row.driver_id = driver_id;
        row.delta_fen = delta;
        row.balance_after_fen = after;
        row.order_id = from(order);
        row.topup_id = from(topup);
        row.employee_id = from(employee);
        row.created_at = created;
        out.push_back(row);
    }
    return out;
}

std::int64_t count_ledger(soci::session& sql, std::int64_t driver_id) {
    long long key = driver_id, n = 0;
    sql << "SELECT COUNT(*) FROM wallet_ledger WHERE driver_id = :id", soci::into(n), soci::use(key);
    return n;
}

std::int64_t insert_topup(soci::session& sql, std::int64_t driver_id, std::int64_t amount_fen,
                          const std::string& provider, const std::string& provider_ref, UtcMs now) {
    long long driver = driver_id, amount = amount_fen, t = now;
    std::string state = "pending";
    sql << "INSERT INTO topups (driver_id, amount_fen, provider, provider_ref, state, created_at) "
           "VALUES (:driver, :amount, :provider, :ref, :state, :t)",
        soci::use(driver), soci::use(amount), soci::use(provider), soci::use(provider_ref), soci::use(state),
        soci::use(t);
    long long id = 0;
    if (!sql.get_last_insert_id("topups", id)) throw Error(Errc::internal, "no id for the top-up");
    return id;
}

void set_topup_provider_ref(soci::session& sql, std::int64_t id, const std::string& provider_ref) {
    long long key = id;
    sql << "UPDATE topups SET provider_ref = :ref WHERE id = :id", soci::use(provider_ref), soci::use(key);
}

std::optional<TopupRow> find_topup(soci::session& sql, std::int64_t id) {
    long long key = id, rid = 0, driver = 0, amount = 0, created = 0;
    boost::optional<long long> paid;
    TopupRow row;
    sql << "SELECT id, driver_id, amount_fen, provider, provider_ref, state, created_at, paid_at FROM topups "
           "WHERE id = :id",
        soci::into(rid), soci::into(driver), soci::into(amount), soci::into(row.provider),
        soci::into(row.provider_ref), soci::into(row.state), soci::into(created), soci::into(paid),
        soci::use(key);
    if (!sql.got_data()) return std::nullopt;
    row.id = rid;
    row.driver_id = driver;
    row.amount_fen = amount;
    row.created_at = created;
    row.paid_at = from(paid);
    return row;
}

bool mark_topup_paid(soci::session& sql, std::int64_t id, UtcMs now) {
    long long key = id, t = now;
    soci::statement st = (sql.prepare << "UPDATE topups SET state = 'paid', paid_at = :t "
                                         "WHERE id = :id AND state = 'pending'",
                          soci::use(t), soci::use(key));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

// Appended with the move of SQL out of service/wallet.cpp.
void mark_topup_failed(soci::session& sql, std::int64_t id) {
    long long key = id;
    sql << "UPDATE topups SET state = 'failed' WHERE id = :id", soci::use(key);
}

}  // namespace kw::store
