#pragma once
// `kilowatt backup --to FILE`: a consistent copy of the SQLite database, taken while servers keep
// writing to it (SQLite's online backup API, one pass under a read snapshot: in WAL mode writers
// are not blocked). The copy is written to FILE.partial, checked with PRAGMA integrity_check, then
// renamed to FILE, so FILE is either the old file or a whole, checked backup. MariaDB/MySQL:
// `mariadb-dump --single-transaction` (docs/operations.md, "Backups"); this refuses such a URL.
#include <cstdint>
#include <string>

namespace kw::store {

struct BackupResult {
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
};

// Throws kw::Error (bad_request for a MySQL URL; internal for any SQLite failure, with its message).
BackupResult backup_database(const std::string& database_url, const std::string& to);

}  // namespace kw::store
