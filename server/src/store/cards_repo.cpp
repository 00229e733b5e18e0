#include "store/cards_repo.hpp"

#include "domain/error.hpp"
#include "store/statement_cache.hpp"

namespace kw::store {

namespace {

constexpr const char* kSelect =
    "SELECT id, uid, driver_id, label, status, expires_at, created_at, updated_at, list_version FROM id_cards ";

struct RowInto {
    CardRow row;
    long long id = 0, driver_id = 0, expires_at = 0, created_at = 0, updated_at = 0, list_version = 0;
    soci::indicator expires_ind = soci::i_null;
    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(row.uid));
        st.exchange(soci::into(driver_id));
        st.exchange(soci::into(row.label));
        st.exchange(soci::into(row.status));
        st.exchange(soci::into(expires_at, expires_ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
        st.exchange(soci::into(list_version));
    }
    CardRow get() const {
        CardRow r = row;
        r.id = id;
        r.driver_id = driver_id;
        r.expires_at = expires_ind == soci::i_ok ? std::optional<UtcMs>(expires_at) : std::nullopt;
        r.created_at = created_at;
        r.updated_at = updated_at;
        r.list_version = list_version;
        return r;
    }
};

template <class T>
std::vector<CardRow> select(soci::session& sql, const std::string& where, T key) {
    RowInto into;
    soci::statement st(sql);
    into.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(kSelect + where);
    st.define_and_bind();
    st.execute();
    std::vector<CardRow> out;
    while (st.fetch()) out.push_back(into.get());
    return out;
}

// find_card_by_uid's statement, kept per connection (store/statement_cache.hpp): every Authorize
// and card start asks it.
struct ByUidQuery {
    RowInto into;
    std::string uid;
    soci::statement st;
    explicit ByUidQuery(soci::session& sql) : st(sql) {
        into.bind(st);
        st.exchange(soci::use(uid));
        st.alloc();
        st.prepare(std::string(kSelect) + "WHERE uid = :u");
        st.define_and_bind();
    }
};

bool uid_taken(soci::session& sql, const std::string& uid) { return !select(sql, "WHERE uid = :u", uid).empty(); }

// The next list version (migration 009). The UPDATE locks the counter's row until the caller's
// transaction ends, so versions commit in the order they are taken.
long long next_list_version(soci::session& sql) {
    sql << "UPDATE card_list_version SET version = version + 1 WHERE id = 1";
    long long v = 0;
    sql << "SELECT version FROM card_list_version WHERE id = 1", soci::into(v);
    return v;
}

}  // namespace

std::int64_t insert_card(soci::session& sql, const CardRow& c, UtcMs now) {
    if (uid_taken(sql, c.uid)) throw Error(Errc::already_exists, "card " + c.uid + " is already issued");
    long long driver = c.driver_id, t = now, expires = c.expires_at.value_or(0), version = next_list_version(sql);
    soci::indicator ind = c.expires_at ? soci::i_ok : soci::i_null;
    try {
        sql << "INSERT INTO id_cards (uid, driver_id, label, status, expires_at, created_at, updated_at, list_version) "
               "VALUES (:u, :d, :l, :s, :e, :c, :t, :v)",
            soci::use(c.uid), soci::use(driver), soci::use(c.label), soci::use(c.status), soci::use(expires, ind),
            soci::use(t), soci::use(t), soci::use(version);
    } catch (const soci::soci_error&) {
        // Lost a race with a concurrent issue of the same card (unique index).
        if (uid_taken(sql, c.uid)) throw Error(Errc::already_exists, "card " + c.uid + " is already issued");
        throw;
    }
    long long id = 0;
    if (!sql.get_last_insert_id("id_cards", id)) throw Error(Errc::internal, "no id for the new card");
    return id;
}

std::optional<CardRow> find_card(soci::session& sql, std::int64_t id) {
    auto rows = select(sql, "WHERE id = :id", static_cast<long long>(id));
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::optional<CardRow> find_card_by_uid(soci::session& sql, const std::string& uid) {
    return with_statement<ByUidQuery>(sql, [&uid](ByUidQuery& q) {
        q.uid = uid;
        q.st.execute(false);
        std::optional<CardRow> out;
        while (q.st.fetch()) out = q.into.get();  // to the end: see StatementCache
        return out;
    });
}

std::vector<CardRow> cards_of_driver(soci::session& sql, std::int64_t driver_id) {
    return select(sql, "WHERE driver_id = :d ORDER BY id", static_cast<long long>(driver_id));
}

void update_card(soci::session& sql, const CardRow& c, UtcMs now) {
    long long id = c.id, t = now, expires = c.expires_at.value_or(0), version = next_list_version(sql);
    soci::indicator ind = c.expires_at ? soci::i_ok : soci::i_null;
    sql << "UPDATE id_cards SET status = :s, label = :l, expires_at = :e, updated_at = :t, list_version = :v "
           "WHERE id = :id",
        soci::use(c.status), soci::use(c.label), soci::use(expires, ind), soci::use(t), soci::use(version),
        soci::use(id);
}

std::int64_t touch_cards_of_driver(soci::session& sql, std::int64_t driver_id) {
    long long d = driver_id, n = 0;
    sql << "SELECT COUNT(*) FROM id_cards WHERE driver_id = :d", soci::use(d), soci::into(n);
    if (n == 0) return 0;
    long long version = next_list_version(sql);
    sql << "UPDATE id_cards SET list_version = :v WHERE driver_id = :d", soci::use(version), soci::use(d);
    return n;
}

std::vector<LocalListCard> cards_for_local_list(soci::session& sql, std::int64_t since, std::int64_t limit) {
    RowInto into;
    std::string driver_status;
    long long after = since, n = limit;
    soci::statement st(sql);
    into.bind(st);
    st.exchange(soci::into(driver_status));
    st.exchange(soci::use(after));
    st.exchange(soci::use(n));
    st.alloc();
    // One statement: the rows it reads are one consistent state, so the highest version among them
    // covers every change below it (versions commit in order).
    st.prepare("SELECT c.id, c.uid, c.driver_id, c.label, c.status, c.expires_at, c.created_at, c.updated_at, "
               "c.list_version, COALESCE(d.status, '') FROM id_cards c LEFT JOIN drivers d ON d.id = c.driver_id "
               "WHERE c.list_version > :since ORDER BY c.id LIMIT :n");
    st.define_and_bind();
    st.execute();
    std::vector<LocalListCard> out;
    while (st.fetch()) out.push_back({into.get(), driver_status == "active"});
    return out;
}

std::int64_t cards_list_version(soci::session& sql) {
    long long v = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(list_version) FROM id_cards", soci::into(v, ind);
    return ind == soci::i_ok ? v : 0;
}

}  // namespace kw::store
