#pragma once
// Numbered schema migrations, one .sql file per change under store/migrations/, embedded at build
// time. One text serves SQLite and MySQL/MariaDB: the few dialect differences are placeholders
// ({{ID}}, {{TABLE}}) that apply_migrations() fills in for the connected backend.
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kw::store {

struct Migration {
    int version;
    std::string name;
    std::string sql;
};

const std::vector<Migration>& embedded_migrations();

enum class Dialect { sqlite, mysql };

// Fills the placeholders for the dialect.
std::string render_migration(const std::string& sql, Dialect dialect);

// Applies every migration newer than the recorded version, each in its own transaction, and
// records it in schema_migrations. Safe to call from several instances at once on MySQL (the
// version row is the lock). Returns the number applied.
int apply_migrations(soci::session& sql, Dialect dialect);

}  // namespace kw::store
