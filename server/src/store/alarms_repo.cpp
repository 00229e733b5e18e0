#include "store/alarms_repo.hpp"

namespace kw::store {

namespace {

// Filters with switches, so the SQL text never depends on the input.
constexpr const char* kWhere =
    "WHERE (:no_charger = 1 OR a.charger_id = :charger) "
    "AND (:no_active = 1 OR (:active = 1 AND a.cleared_at IS NULL) OR (:cleared = 1 AND a.cleared_at IS NOT "
    "NULL)) ";

struct FilterBinds {
    int no_charger = 1, no_active = 1, active = 0, cleared = 0;
    long long charger = 0;
    explicit FilterBinds(const AlarmFilter& f) {
        if (f.charger_id) {
            no_charger = 0;
            charger = *f.charger_id;
        }
        if (f.active) {
            no_active = 0;
            active = *f.active ? 1 : 0;
            cleared = *f.active ? 0 : 1;
        }
    }
    void bind(soci::statement& st) {
        st.exchange(soci::use(no_charger));
        st.exchange(soci::use(charger));
        st.exchange(soci::use(no_active));
        st.exchange(soci::use(active));
        st.exchange(soci::use(cleared));
    }
};

}  // namespace

std::vector<AlarmRow> list_alarms(soci::session& sql, const AlarmFilter& f, std::int64_t limit,
                                  std::int64_t offset) {
    FilterBinds fb(f);
    AlarmRow row;
    long long id = 0, charger_id = 0, raised = 0, cleared = 0, n = limit, m = offset;
    soci::indicator cleared_ind = soci::i_null;
    soci::statement st(sql);
    st.exchange(soci::into(id));
    st.exchange(soci::into(charger_id));
    st.exchange(soci::into(row.charger_code));
    st.exchange(soci::into(row.connector_no));
    st.exchange(soci::into(row.code));
    st.exchange(soci::into(row.severity));
    st.exchange(soci::into(row.message));
    st.exchange(soci::into(raised));
    st.exchange(soci::into(cleared, cleared_ind));
    fb.bind(st);
    st.exchange(soci::use(n));
    st.exchange(soci::use(m));
    st.alloc();
    st.prepare(
        "SELECT a.id, a.charger_id, COALESCE(c.code, ''), a.connector_no, a.code, a.severity, a.message, "
        "a.raised_at, a.cleared_at FROM alarms a LEFT JOIN chargers c ON c.id = a.charger_id " +
        std::string(kWhere) + "ORDER BY a.raised_at DESC, a.id DESC LIMIT :n OFFSET :m");
    st.define_and_bind();
    st.execute();
    std::vector<AlarmRow> out;
    while (st.fetch()) {
        AlarmRow r = row;
        r.id = id;
        r.charger_id = charger_id;
        r.raised_at = raised;
        r.cleared_at = cleared_ind == soci::i_ok ? std::optional<UtcMs>(cleared) : std::nullopt;
        out.push_back(r);
    }
    return out;
}

std::int64_t count_alarms(soci::session& sql, const AlarmFilter& f) {
    FilterBinds fb(f);
    long long n = 0;
    soci::statement st(sql);
    st.exchange(soci::into(n));
    fb.bind(st);
    st.alloc();
    st.prepare("SELECT COUNT(*) FROM alarms a " + std::string(kWhere));
    st.define_and_bind();
    st.execute(true);
    return n;
}

void raise_alarm(soci::session& sql, std::int64_t charger_id, int connector_no, const std::string& code,
                 const std::string& severity, const std::string& message, UtcMs raised_at) {
    long long c = charger_id, t = raised_at;
    sql << "INSERT INTO alarms (charger_id, connector_no, code, severity, message, raised_at) "
           "VALUES (:c, :n, :k, :s, :m, :t)",
        soci::use(c), soci::use(connector_no), soci::use(code), soci::use(severity), soci::use(message),
        soci::use(t);
}

void clear_alarm(soci::session& sql, std::int64_t charger_id, int connector_no, const std::string& code,
                 UtcMs cleared_at) {
    long long c = charger_id, t = cleared_at;
    sql << "UPDATE alarms SET cleared_at = :t WHERE charger_id = :c AND connector_no = :n AND code = :k "
           "AND cleared_at IS NULL",
        soci::use(t), soci::use(c), soci::use(connector_no), soci::use(code);
}

}  // namespace kw::store
