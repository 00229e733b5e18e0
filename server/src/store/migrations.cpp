#include "store/migrations.hpp"

#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include <regex>

namespace kw::store {

std::string render_migration(const std::string& sql, Dialect dialect) {
    const bool mysql = dialect == Dialect::mysql;
    std::string out = std::regex_replace(
        sql, std::regex(R"(\{\{ID\}\})"),
        mysql ? "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
    out = std::regex_replace(out, std::regex(R"(\{\{TABLE\}\})"),
                             mysql ? "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" : "");
    return out;
}

namespace {

// Splits a migration into statements at ';' that ends a line; strips "--" comment lines.
std::vector<std::string> statements(const std::string& sql) {
    std::vector<std::string> out;
    std::string current;
    std::size_t pos = 0;
    while (pos < sql.size()) {
        std::size_t eol = sql.find('\n', pos);
        if (eol == std::string::npos) eol = sql.size();
        std::string line = sql.substr(pos, eol - pos);
        pos = eol + 1;
        std::size_t comment = line.find("--");
        if (comment != std::string::npos) line.erase(comment);
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        if (line.empty()) continue;
        current += line + "\n";
        if (line.back() == ';') {
            current.erase(current.find_last_of(';'));
            out.push_back(current);
            current.clear();
        }
    }
    if (current.find_first_not_of(" \n\t") != std::string::npos) out.push_back(current);
    return out;
}

}  // namespace

int apply_migrations(soci::session& sql, Dialect dialect) {
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, "
           "name VARCHAR(255) NOT NULL, applied_at BIGINT NOT NULL)";
    int applied = 0;
    for (const Migration& m : embedded_migrations()) {
        int count = 0;
        sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :v", soci::use(m.version),
            soci::into(count);
        if (count > 0) continue;
        // MySQL commits DDL implicitly; the version row is written last so a failed migration is
        // retried from its start (each statement of ours is idempotent-safe only on a clean schema).
        soci::transaction tr(sql);
        for (const std::string& stmt : statements(render_migration(m.sql, dialect))) sql << stmt;
        long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
        sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
            soci::use(m.version), soci::use(m.name), soci::use(now);
        tr.commit();
        spdlog::info("event=migration_applied version={} name={}", m.version, m.name);
        ++applied;
    }
    return applied;
}

}  // namespace kw::store
