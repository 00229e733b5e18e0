#include "store/drivers_repo.hpp"

#include "domain/error.hpp"
#include "store/like.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, phone, password_hash, nickname, status, balance_fen, created_at, updated_at FROM drivers ";

// Filter with every condition present; an absent one is switched off by its flag, so the SQL text
// never depends on the input.
constexpr const char* kWhere =
    "WHERE (:no_q = 1 OR phone LIKE :phone_prefix ESCAPE '!' OR nickname LIKE :nick_part ESCAPE '!') "
    "AND (:no_status = 1 OR status = :status) ";

struct FilterBinds {
    int no_q = 1;
    std::string phone_prefix, nick_part;
    int no_status = 1;
    std::string status;
    explicit FilterBinds(const DriverFilter& f) {
        if (f.q) {
            no_q = 0;
            std::string e = like_escape(*f.q);
            phone_prefix = e + "%";
            nick_part = "%" + e + "%";
        }
        if (f.status) {
            no_status = 0;
            status = *f.status;
        }
    }
};

bool phone_taken(soci::session& sql, const std::string& phone) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM drivers WHERE phone = :phone", soci::into(n), soci::use(phone);
    return n > 0;
}

std::optional<DriverRow> fetch_one(soci::statement& st, DriverRow& row, long long& id, long long& balance,
                                   long long& created, long long& updated) {
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    row.id = id;
    row.balance_fen = balance;
    row.created_at = created;
    row.updated_at = updated;
    return row;
}

}  // namespace

std::int64_t insert_driver(soci::session& sql, const std::string& phone, const std::string& password_hash,
                           const std::string& nickname, UtcMs now) {
    if (phone_taken(sql, phone)) throw Error(Errc::already_exists, "this phone number is already registered");
    long long t = now;
    std::string status = "active";
    try {
        sql << "INSERT INTO drivers (phone, password_hash, nickname, status, balance_fen, created_at, "
               "updated_at) "
               "VALUES (:phone, :hash, :nickname, :status, 0, :c, :u)",
            soci::use(phone), soci::use(password_hash), soci::use(nickname), soci::use(status), soci::use(t),
            soci::use(t);
    } catch (const soci::soci_error&) {
        // Lost a race with a concurrent registration of the same phone (unique constraint).
        if (phone_taken(sql, phone)) throw Error(Errc::already_exists, "this phone number is already registered");
        throw;
    }
    long long id = 0;
    if (!sql.get_last_insert_id("drivers", id)) throw Error(Errc::internal, "no id for the new driver");
    return id;
}

std::optional<DriverRow> find_driver(soci::session& sql, std::int64_t id) {
    DriverRow row;
    long long rid = 0, balance = 0, created = 0, updated = 0, key = id;
    soci::statement st =
        (sql.prepare << std::string(kColumns) + "WHERE id = :id", soci::into(rid), soci::into(row.phone),
         soci::into(row.password_hash), soci::into(row.nickname), soci::into(row.status), soci::into(balance),
         soci::into(created), soci::into(updated), soci::use(key));
    return fetch_one(st, row, rid, balance, created, updated);
}

std::optional<DriverRow> find_driver_by_phone(soci::session& sql, const std::string& phone) {
    DriverRow row;
    long long rid = 0, balance = 0, created = 0, updated = 0;
    soci::statement st = (sql.prepare << std::string(kColumns) + "WHERE phone = :phone", soci::into(rid),
                          soci::into(row.phone), soci::into(row.password_hash), soci::into(row.nickname),
                          soci::into(row.status), soci::into(balance), soci::into(created),
                          soci::into(updated), soci::use(phone));
    return fetch_one(st, row, rid, balance, created, updated);
}

bool set_driver_status(soci::session& sql, std::int64_t id, const std::string& status, UtcMs now) {
    long long key = id, t = now;
    soci::statement st =
        (sql.prepare << "UPDATE drivers SET status = :status, updated_at = :t WHERE id = :id",
         soci::use(status), soci::use(t), soci::use(key));
    st.execute(true);
    // MySQL reports 0 affected rows when nothing changed, so confirm existence separately.
    if (st.get_affected_rows() > 0) return true;
    long long n = 0;
    sql << "SELECT COUNT(*) FROM drivers WHERE id = :id", soci::into(n), soci::use(key);
    return n > 0;
}

std::vector<DriverRow> list_drivers(soci::session& sql, const DriverFilter& filter, std::int64_t limit,
                                    std::int64_t offset) {
    FilterBinds b(filter);
    long long n = limit, m = offset;
    DriverRow row;
    long long rid = 0, balance = 0, created = 0, updated = 0;
    soci::statement st =
        (sql.prepare
             << "SELECT id, phone, nickname, status, balance_fen, created_at, updated_at FROM drivers " +
                    std::string(kWhere) + "ORDER BY id DESC LIMIT :n OFFSET :m",
         soci::into(rid), soci::into(row.phone), soci::into(row.nickname), soci::into(row.status),
         soci::into(balance), soci::into(created), soci::into(updated), soci::use(b.no_q),
         soci::use(b.phone_prefix), soci::use(b.nick_part), soci::use(b.no_status), soci::use(b.status),
         soci::use(n), soci::use(m));
    st.execute();
    std::vector<DriverRow> out;
    while (st.fetch()) {
        row.id = rid;
        row.balance_fen = balance;
        row.created_at = created;
        row.updated_at = updated;
        out.push_back(row);
    }
    return out;
}

std::int64_t count_drivers(soci::session& sql, const DriverFilter& filter) {
    FilterBinds b(filter);
    long long n = 0;
    sql << "SELECT COUNT(*) FROM drivers " + std::string(kWhere), soci::into(n), soci::use(b.no_q),
        soci::use(b.phone_prefix), soci::use(b.nick_part), soci::use(b.no_status), soci::use(b.status);
    return n;
}

DriverOrderCounts count_driver_orders(soci::session& sql, std::int64_t driver_id) {
    long long key = driver_id, total = 0, active = 0;
    sql << "SELECT COUNT(*) FROM orders WHERE driver_id = :id", soci::into(total), soci::use(key);
    sql << "SELECT COUNT(*) FROM orders WHERE driver_id = :id AND state IN ('starting', 'charging', "
           "'stopping')",
        soci::into(active), soci::use(key);
    return {total, active};
}

namespace {

// Asked at every Authorize of a card: kept per connection (store/statement_cache.hpp).
struct ActiveOrderQuery {
    long long driver_id = 0, active = 0;
    soci::indicator ind = soci::i_null;
    soci::statement st;
    explicit ActiveOrderQuery(soci::session& sql)
        : st((sql.prepare << "SELECT active_order_id FROM drivers WHERE id = :d", soci::use(driver_id),
              soci::into(active, ind))) {}
};

}  // namespace

std::optional<std::int64_t> driver_active_order(soci::session& sql, std::int64_t driver_id) {
    return with_statement<ActiveOrderQuery>(sql, [driver_id](ActiveOrderQuery& q) {
        q.driver_id = driver_id;
        q.st.execute(false);
        std::optional<std::int64_t> out;
        while (q.st.fetch())  // to the end: see StatementCache
            out = q.ind == soci::i_ok && q.active != 0 ? std::optional<std::int64_t>(q.active) : std::nullopt;
        return out;
    });
}

}  // namespace kw::store
