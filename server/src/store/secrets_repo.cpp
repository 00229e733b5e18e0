#include "store/secrets_repo.hpp"

#include "domain/error.hpp"

namespace kw::store {

namespace {

bool find_secret(soci::session& sql, const std::string& name, std::string& value) {
    soci::indicator ind = soci::i_null;
    sql << "SELECT value FROM server_secrets WHERE name = :name", soci::into(value, ind), soci::use(name);
    return sql.got_data() && ind == soci::i_ok;
}

}  // namespace

std::string ensure_secret(soci::session& sql, const std::string& name, const std::string& candidate) {
    std::string value;
    if (find_secret(sql, name, value)) return value;
    try {
        sql << "INSERT INTO server_secrets (name, value) VALUES (:name, :value)", soci::use(name),
            soci::use(candidate);
    } catch (const soci::soci_error&) {
        // Another instance stored it between our SELECT and INSERT: theirs wins.
    }
    if (!find_secret(sql, name, value)) throw Error(Errc::internal, "server secret '" + name + "' not stored");
    return value;
}

}  // namespace kw::store
