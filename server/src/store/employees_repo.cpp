#include "store/employees_repo.hpp"

#include "domain/error.hpp"
#include "store/like.hpp"

namespace kw::store {

namespace {

constexpr const char* kColumns =
    "SELECT id, login, password_hash, name, role, enabled, created_at, updated_at FROM employees ";
constexpr const char* kWhere =
    "WHERE (:no_q = 1 OR login LIKE :login_part ESCAPE '!' OR name LIKE :name_part ESCAPE '!') ";

bool login_taken(soci::session& sql, const std::string& login) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM employees WHERE login = :login", soci::into(n), soci::use(login);
    return n > 0;
}

// Statement targets for one employee row.
struct Fetched {
    EmployeeRow row;
    long long id = 0, created = 0, updated = 0;
    int enabled = 1;
    EmployeeRow take() {
        row.id = id;
        row.enabled = enabled != 0;
        row.created_at = created;
        row.updated_at = updated;
        return row;
    }
};

}  // namespace

std::int64_t insert_employee(soci::session& sql, const std::string& login, const std::string& password_hash,
                             const std::string& name, const std::string& role, UtcMs now) {
    if (login_taken(sql, login)) throw Error(Errc::already_exists, "this login is already taken");
    long long t = now;
    try {
        sql << "INSERT INTO employees (login, password_hash, name, role, enabled, created_at, updated_at) "
               "VALUES (:login, :hash, :name, :role, 1, :c, :u)",
            soci::use(login), soci::use(password_hash), soci::use(name), soci::use(role), soci::use(t),
            soci::use(t);
    } catch (const soci::soci_error&) {
        if (login_taken(sql, login)) throw Error(Errc::already_exists, "this login is already taken");
        throw;
    }
    long long id = 0;
    if (!sql.get_last_insert_id("employees", id)) throw Error(Errc::internal, "no id for the new employee");
    return id;
}

std::optional<EmployeeRow> find_employee(soci::session& sql, std::int64_t id) {
    long long key = id;
    Fetched f;
    soci::statement st =
        (sql.prepare << std::string(kColumns) + "WHERE id = :id", soci::into(f.id), soci::into(f.row.login),
         soci::into(f.row.password_hash), soci::into(f.row.name), soci::into(f.row.role),
         soci::into(f.enabled), soci::into(f.created), soci::into(f.updated), soci::use(key));
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    return f.take();
}

std::optional<EmployeeRow> find_employee_by_login(soci::session& sql, const std::string& login) {
    Fetched f;
    soci::statement st = (sql.prepare << std::string(kColumns) + "WHERE login = :login", soci::into(f.id),
                          soci::into(f.row.login), soci::into(f.row.password_hash), soci::into(f.row.name),
                          soci::into(f.row.role), soci::into(f.enabled), soci::into(f.created),
                          soci::into(f.updated), soci::use(login));
    st.execute(true);
    if (!st.got_data()) return std::nullopt;
    return f.take();
}

std::int64_t count_all_employees(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM employees", soci::into(n);
    return n;
}

void update_employee(soci::session& sql, const EmployeeRow& row, UtcMs now) {
    long long key = row.id, t = now;
    int enabled = row.enabled ? 1 : 0;
    sql << "UPDATE employees SET name = :name, role = :role, enabled = :enabled, updated_at = :t WHERE id = "
           ":id",
        soci::use(row.name), soci::use(row.role), soci::use(enabled), soci::use(t), soci::use(key);
}

void set_employee_password(soci::session& sql, std::int64_t id, const std::string& password_hash, UtcMs now) {
    long long key = id, t = now;
    sql << "UPDATE employees SET password_hash = :hash, updated_at = :t WHERE id = :id",
        soci::use(password_hash), soci::use(t), soci::use(key);
}

std::vector<EmployeeRow> list_employees(soci::session& sql, const std::optional<std::string>& q,
                                        std::int64_t limit, std::int64_t offset) {
    int no_q = q ? 0 : 1;
    std::string part = q ? "%" + like_escape(*q) + "%" : std::string();
    long long n = limit, m = offset;
    Fetched f;
    soci::statement st =
        (sql.prepare << "SELECT id, login, name, role, enabled, created_at, updated_at FROM employees " +
                            std::string(kWhere) + "ORDER BY id LIMIT :n OFFSET :m",
         soci::into(f.id), soci::into(f.row.login), soci::into(f.row.name), soci::into(f.row.role),
         soci::into(f.enabled), soci::into(f.created), soci::into(f.updated), soci::use(no_q),
         soci::use(part), soci::use(part), soci::use(n), soci::use(m));
    st.execute();
    std::vector<EmployeeRow> out;
    while (st.fetch()) out.push_back(f.take());
    return out;
}

std::int64_t count_employees(soci::session& sql, const std::optional<std::string>& q) {
    int no_q = q ? 0 : 1;
    std::string part = q ? "%" + like_escape(*q) + "%" : std::string();
    long long n = 0;
    sql << "SELECT COUNT(*) FROM employees " + std::string(kWhere), soci::into(n), soci::use(no_q),
        soci::use(part), soci::use(part);
    return n;
}

}  // namespace kw::store

namespace kw::store {

std::int64_t count_enabled_admins_locked(soci::session& sql) {
    const bool mysql = sql.get_backend_name() == "mysql";
    // Locking the rows (not COUNT(*)) is what makes MySQL wait for a concurrent demotion to commit.
    const std::string query =
        std::string("SELECT id FROM employees WHERE role = 'admin' AND enabled = 1") + (mysql ? " FOR UPDATE" : "");
    soci::rowset<long long> rows = (sql.prepare << query);
    std::int64_t n = 0;
    for (auto it = rows.begin(); it != rows.end(); ++it) ++n;
    return n;
}

}  // namespace kw::store
