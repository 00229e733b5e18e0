// SQLite's write-ahead log is copied into the database file by the checkpointer's thread
// (store/sqlite_checkpointer.hpp), not by a commit: on a real SQLite file, the writer connection
// never checkpoints, and committed rows reach the database file while every connection stays open.
#include <gtest/gtest.h>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "process.hpp"
#include "store/db.hpp"

namespace kw::store {
namespace {

// Rows of table t in the database file alone: a copy of it without its -wal file, as a crash
// that lost the log would leave it. -1 while the file has no table t yet.
long long rows_in_the_file_alone(const kw::test::TempDir& dir) {
    const std::string copy = dir.file("copy.db");
    std::filesystem::remove(copy);
    std::filesystem::copy_file(dir.file("kw.db"), copy);
    try {
        soci::session s(soci::sqlite3, "db=" + copy);
        long long n = -1;
        s << "SELECT COUNT(*) FROM t", soci::into(n);
        return n;
    } catch (const soci::soci_error&) {
        return -1;
    }
}

TEST(SqliteCheckpoint, CommittedRowsReachTheDatabaseFileWhileTheWriterNeverCheckpoints) {
    const kw::test::TempDir dir("kw-checkpoint-");
    Db db(DbConfig{"sqlite:" + dir.file("kw.db"), 2});
    {
        auto s = db.session();
        int autocheckpoint = -1;
        *s << "PRAGMA wal_autocheckpoint", soci::into(autocheckpoint);
        EXPECT_EQ(autocheckpoint, 0);
        *s << "CREATE TABLE t (x INTEGER)";
        soci::transaction tr(*s);
        for (int i = 0; i < 10; ++i) *s << "INSERT INTO t (x) VALUES (:x)", soci::use(i);
        tr.commit();
    }
    // Ten rows are a few pages: SQLite's own checkpoint would wait for 1,000 (or the last close).
    long long in_file = -1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((in_file = rows_in_the_file_alone(dir)) != 10 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(in_file, 10);
    auto r = db.read_session();
    long long seen = 0;
    *r << "SELECT COUNT(*) FROM t", soci::into(seen);
    EXPECT_EQ(seen, 10);
}

}  // namespace
}  // namespace kw::store
