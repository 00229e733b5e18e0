#include "store/backup.hpp"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "domain/error.hpp"
#include "store/db.hpp"

namespace kw::store {

namespace {

struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, Closer>;

[[noreturn]] void fail(const std::string& what, sqlite3* db) {
    throw Error(Errc::internal, what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Handle open(const std::string& path, int flags) {
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    Handle out(db);
    if (rc != SQLITE_OK) fail("open " + path, db);
    sqlite3_busy_timeout(db, 10'000);
    return out;
}

}  // namespace

BackupResult backup_database(const std::string& database_url, const std::string& to) {
    const DbUrl url = parse_db_url(database_url);
    if (url.dialect != Dialect::sqlite)
        throw Error(Errc::bad_request,
                    "kilowatt backup copies a SQLite database; for MariaDB/MySQL use mariadb-dump --single-transaction "
                    "(docs/operations.md, Backups)");
    if (!std::filesystem::exists(url.sqlite_path))
        throw Error(Errc::bad_request, "no database at " + url.sqlite_path);
    const std::string partial = to + ".partial";
    std::filesystem::remove(partial);
    BackupResult result;
    {
        Handle src = open(url.sqlite_path, SQLITE_OPEN_READONLY);
        Handle dst = open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* backup = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
        if (!backup) fail("backup", dst.get());
        // All pages in one step: one read snapshot, so the copy is the database as of one commit.
        // A writer holding the lock at that moment makes the step return BUSY; it is tried again.
        int rc = SQLITE_OK;
        for (int attempt = 0; attempt < 200; ++attempt) {
            rc = sqlite3_backup_step(backup, -1);
            if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        result.pages = sqlite3_backup_pagecount(backup);
        sqlite3_backup_finish(backup);
        if (rc != SQLITE_DONE) fail("backup of " + url.sqlite_path, dst.get());
        sqlite3_stmt* check = nullptr;
        if (sqlite3_prepare_v2(dst.get(), "PRAGMA integrity_check", -1, &check, nullptr) != SQLITE_OK)
            fail("integrity check", dst.get());
        const bool ok = sqlite3_step(check) == SQLITE_ROW &&
                        std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok";
        sqlite3_finalize(check);
        if (!ok) throw Error(Errc::internal, "the copy of " + url.sqlite_path + " failed its integrity check");
    }
    std::filesystem::rename(partial, to);
    result.bytes = static_cast<std::int64_t>(std::filesystem::file_size(to));
    return result;
}

}  // namespace kw::store
