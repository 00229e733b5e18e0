#include "store/charger_commands_repo.hpp"

#include "domain/error.hpp"

namespace kw::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, charger_id, kind, params, status, reason, result, employee_id, created_at, answered_at "
    "FROM charger_commands ";

// Binds a row's columns; call fill() after each fetch.
struct RowInto {
    ChargerCommandRow row;
    long long id = 0, charger_id = 0, employee_id = 0, created_at = 0, answered_at = 0;
    std::string result;
    soci::indicator result_ind = soci::i_null, answered_ind = soci::i_null;
    void bind(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(charger_id));
        st.exchange(soci::into(row.kind));
        st.exchange(soci::into(row.params));
        st.exchange(soci::into(row.status));
        st.exchange(soci::into(row.reason));
        st.exchange(soci::into(result, result_ind));
        st.exchange(soci::into(employee_id));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(answered_at, answered_ind));
    }
    ChargerCommandRow fill() const {
        ChargerCommandRow r = row;
        r.id = id;
        r.charger_id = charger_id;
        r.employee_id = employee_id;
        r.created_at = created_at;
        r.result = result_ind == soci::i_ok ? std::optional<std::string>(result) : std::nullopt;
        r.answered_at = answered_ind == soci::i_ok ? std::optional<UtcMs>(answered_at) : std::nullopt;
        return r;
    }
};

}  // namespace

std::int64_t insert_charger_command(soci::session& sql, std::int64_t charger_id, const std::string& kind,
                                    const std::string& params, std::int64_t employee_id, UtcMs now) {
    long long charger = charger_id, employee = employee_id, t = now;
    sql << "INSERT INTO charger_commands (charger_id, kind, params, status, reason, employee_id, created_at) "
           "VALUES (:c, :k, :p, 'sent', '', :e, :t)",
        soci::use(charger), soci::use(kind), soci::use(params), soci::use(employee), soci::use(t);
    long long id = 0;
    if (!sql.get_last_insert_id("charger_commands", id)) throw Error(Errc::internal, "no id for the command row");
    return id;
}

std::optional<ChargerCommandRow> find_charger_command(soci::session& sql, std::int64_t id) {
    RowInto into;
    long long key = id;
    soci::statement st(sql);
    into.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE id = :id");
    st.define_and_bind();
    if (!st.execute(true)) return std::nullopt;
    return into.fill();
}

std::vector<ChargerCommandRow> list_charger_commands(soci::session& sql, std::int64_t charger_id, std::int64_t limit,
                                                     std::int64_t offset) {
    RowInto into;
    long long charger = charger_id, n = limit, m = offset;
    soci::statement st(sql);
    into.bind(st);
    st.exchange(soci::use(charger));
    st.exchange(soci::use(n));
    st.exchange(soci::use(m));
    st.alloc();
    st.prepare(std::string(kColumns) + "WHERE charger_id = :c ORDER BY created_at DESC, id DESC LIMIT :n OFFSET :m");
    st.define_and_bind();
    st.execute();
    std::vector<ChargerCommandRow> out;
    while (st.fetch()) out.push_back(into.fill());
    return out;
}

std::int64_t count_charger_commands(soci::session& sql, std::int64_t charger_id) {
    long long n = 0, charger = charger_id;
    sql << "SELECT COUNT(*) FROM charger_commands WHERE charger_id = :c", soci::use(charger), soci::into(n);
    return n;
}

std::vector<ChargerCommandRow> local_list_answers(soci::session& sql, std::int64_t charger_id, std::int64_t limit) {
    RowInto into;
    long long charger = charger_id, n = limit;
    soci::statement st(sql);
    into.bind(st);
    st.exchange(soci::use(charger));
    st.exchange(soci::use(n));
    st.alloc();
    st.prepare(std::string(kColumns) +
               "WHERE charger_id = :c AND kind IN ('send_local_list', 'get_local_list_version') "
               "AND status IN ('accepted', 'rejected') ORDER BY id DESC LIMIT :n");
    st.define_and_bind();
    st.execute();
    std::vector<ChargerCommandRow> out;
    while (st.fetch()) out.push_back(into.fill());
    return out;
}

std::vector<std::int64_t> chargers_with_local_lists(soci::session& sql) {
    long long id = 0;
    soci::statement st = (sql.prepare << "SELECT DISTINCT charger_id FROM charger_commands "
                                         "WHERE kind = 'send_local_list' AND status = 'accepted' ORDER BY charger_id",
                          soci::into(id));
    st.execute();
    std::vector<std::int64_t> out;
    while (st.fetch()) out.push_back(id);
    return out;
}

bool answer_charger_command(soci::session& sql, std::int64_t id, const std::string& status, const std::string& reason,
                            const std::optional<std::string>& result, UtcMs now) {
    long long key = id, t = now;
    std::string text = result.value_or("");
    soci::indicator ind = result ? soci::i_ok : soci::i_null;
    soci::statement st = (sql.prepare << "UPDATE charger_commands SET status = :s, reason = :r, result = :res, "
                                         "answered_at = :t WHERE id = :id AND status = 'sent'",
                          soci::use(status), soci::use(reason), soci::use(text, ind), soci::use(t), soci::use(key));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

std::int64_t expire_charger_commands(soci::session& sql, UtcMs before, UtcMs now) {
    long long b = before, t = now;
    soci::statement st = (sql.prepare << "UPDATE charger_commands SET status = 'timeout', answered_at = :t "
                                         "WHERE status = 'sent' AND created_at < :b",
                          soci::use(t), soci::use(b));
    st.execute(true);
    return st.get_affected_rows();
}

}  // namespace kw::store
