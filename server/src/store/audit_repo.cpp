#include "store/audit_repo.hpp"

#include <soci/boost-optional.h>

#include <limits>

#include "domain/error.hpp"

namespace kw::store {

namespace {

constexpr const char* kWhere =
    "WHERE (:no_employee = 1 OR a.employee_id = :employee_id) AND (:no_action = 1 OR a.action = :action) "
    "AND a.created_at >= :from AND a.created_at < :to ";

struct FilterBinds {
    int no_employee = 1;
    long long employee_id = 0;
    int no_action = 1;
    std::string action;
    long long from = std::numeric_limits<long long>::min();
    long long to = std::numeric_limits<long long>::max();
    explicit FilterBinds(const AuditFilter& f) {
        if (f.employee_id) {
            no_employee = 0;
            employee_id = *f.employee_id;
        }
        if (f.action) {
            no_action = 0;
            action = *f.action;
        }
        if (f.from) from = *f.from;
        if (f.to) to = *f.to;
    }
};

}  // namespace

std::int64_t insert_audit(soci::session& sql, std::int64_t employee_id, const std::string& action,
                          const std::string& target, const std::string& detail_json, UtcMs now) {
    long long employee = employee_id, t = now;
    sql << "INSERT INTO audit_log (employee_id, action, target, detail, created_at) "
           "VALUES (:employee, :action, :target, :detail, :t)",
        soci::use(employee), soci::use(action), soci::use(target), soci::use(detail_json), soci::use(t);
    long long id = 0;
    if (!sql.get_last_insert_id("audit_log", id)) throw Error(Errc::internal, "no id for the audit row");
    return id;
}

std::vector<AuditRow> list_audit(soci::session& sql, const AuditFilter& filter, std::int64_t limit,
                                 std::int64_t offset) {
    FilterBinds b(filter);
    long long n = limit, m = offset;
    long long id = 0, employee = 0, created = 0;
    boost::optional<std::string> login;
    AuditRow row;
    soci::statement st =
        (sql.prepare << "SELECT a.id, a.employee_id, e.login, a.action, a.target, a.detail, a.created_at "
                        "FROM audit_log a LEFT JOIN employees e ON e.id = a.employee_id " +
                            std::string(kWhere) + "ORDER BY a.id DESC LIMIT :n OFFSET :m",
         soci::into(id), soci::into(employee), soci::into(login), soci::into(row.action),
         soci::into(row.target), soci::into(row.detail), soci::into(created), soci::use(b.no_employee),
         soci::use(b.employee_id), soci::use(b.no_action), soci::use(b.action), soci::use(b.from),
         soci::use(b.to), soci::use(n), soci::use(m));
    st.execute();
    std::vector<AuditRow> out;
    while (st.fetch()) {
        row.id = id;
        row.employee_id = employee;
        row.employee_login = login ? *login : std::string();
        row.created_at = created;
        out.push_back(row);
    }
    return out;
}

std::int64_t count_audit(soci::session& sql, const AuditFilter& filter) {
    FilterBinds b(filter);
    long long n = 0;
    sql << "SELECT COUNT(*) FROM audit_log a " + std::string(kWhere), soci::into(n), soci::use(b.no_employee),
        soci::use(b.employee_id), soci::use(b.no_action), soci::use(b.action), soci::use(b.from),
        soci::use(b.to);
    return n;
}

}  // namespace kw::store
