#pragma once
// Db owns the SQL connection pool (SOCI) and the small thread pool that blocking SQL runs on.
// Handlers and MQTT message handlers already run on the worker pool (see app/workers.hpp), so they
// call Db::session() directly; nothing here may be called from an I/O thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "store/migrations.hpp"
#include "store/statement_cache.hpp"

namespace kw::metrics { class Histogram; }

namespace kw::store {

class SqliteCheckpointer;

struct DbConfig {
    std::string url;     // "sqlite:PATH" or "mysql://user:pass@host:port/db"
    int pool_size = 4;   // MySQL: the pool; SQLite: one writer (no busy-retry dance) + this many readers
    // Optional (main.cpp sets them): time waiting for a pooled connection, and time holding one;
    // for session() and for read_session().
    metrics::Histogram* wait_seconds = nullptr;
    metrics::Histogram* session_seconds = nullptr;
    metrics::Histogram* read_wait_seconds = nullptr;
    metrics::Histogram* read_session_seconds = nullptr;
};

class Db {
public:
    explicit Db(const DbConfig& config);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    Dialect dialect() const { return dialect_; }

    // What is known of a pooled MySQL connection's health: when it went back to the pool, and the
    // count of dead connections found (Db::dead_found_) when it was last known alive.
    struct Health {
        std::chrono::steady_clock::time_point released{};
        std::uint64_t checked_at_dead_found = 0;
    };

    // A pooled session; returned to the pool when the handle dies. Blocks while all are in use.
    // It is the pooled connection itself (not SOCI's proxy session), so statements prepared on it
    // may outlive the handle in the connection's StatementCache.
    class Session {
    public:
        // health: one per pooled connection (MySQL), or nullptr (SQLite: nothing to check).
        Session(soci::connection_pool& pool, std::vector<StatementCache>& caches, std::vector<Health>* health,
                std::atomic<std::uint64_t>& dead_found, metrics::Histogram* wait, metrics::Histogram* held);
        ~Session();
        Session(const Session&) = delete;
        Session& operator=(const Session&) = delete;
        soci::session& operator*() { return *sql_; }
        soci::session* operator->() { return sql_; }
        // The statements prepared on this connection (store/statement_cache.hpp).
        StatementCache& statements() { return *statements_; }

    private:
        // An exception leaving the session's scope may be a lost connection (the database server
        // restarted): the connection is checked and, if dead, opened again before it goes back to
        // the pool, so one failed request is all a database restart costs each connection.
        void heal() noexcept;
        // Whether the connection may have died while it sat in the pool (see the constructor).
        bool check_due() const;
        metrics::Histogram* held_;
        int exceptions_;  // std::uncaught_exceptions() when the session was taken
        soci::connection_pool& pool_;
        std::chrono::steady_clock::time_point requested_;  // before pos_: set before the pool is asked
        std::size_t pos_;
        soci::session* sql_;
        StatementCache* statements_;
        Health* health_;  // nullptr for SQLite
        std::atomic<std::uint64_t>& dead_found_;
        std::chrono::steady_clock::time_point acquired_;
    };
    Session session() {
        return Session(*pool_, caches_, health_.empty() ? nullptr : &health_, dead_found_, wait_seconds_,
                       session_seconds_);
    }
    // A session for statements that only read. SQLite: one of the read-only connections, so reads
    // run side by side (WAL) instead of queueing behind each other and the writer on the one
    // writable connection; every statement outside a transaction sees all committed writes. MySQL:
    // the same pool as session().
    Session read_session() {
        if (read_pool_)
            return Session(*read_pool_, read_caches_, nullptr, dead_found_, read_wait_seconds_,
                           read_session_seconds_);
        return Session(*pool_, caches_, health_.empty() ? nullptr : &health_, dead_found_, read_wait_seconds_,
                       read_session_seconds_);
    }

    // Runs pending migrations; called once at start.
    int migrate();

    // Whether the database answers (SELECT 1); for the readiness check. Never throws.
    bool ping();

    // The id of the row the last INSERT on `sql` created.
    std::int64_t last_insert_id(soci::session& sql) const;

private:
    Dialect dialect_;
    std::size_t size_;
    std::unique_ptr<soci::connection_pool> pool_;
    std::unique_ptr<soci::connection_pool> read_pool_;  // SQLite only
    // One per pooled connection, by pool position; declared after the pools so that the prepared
    // statements are finalized before their connections close.
    std::vector<StatementCache> caches_, read_caches_;
    std::vector<Health> health_;  // MySQL: one per pooled connection; empty for SQLite
    std::atomic<std::uint64_t> dead_found_{0};  // dead connections found so far, by any session
    metrics::Histogram* wait_seconds_;
    metrics::Histogram* session_seconds_;
    metrics::Histogram* read_wait_seconds_;
    metrics::Histogram* read_session_seconds_;
    std::unique_ptr<SqliteCheckpointer> checkpointer_;  // SQLite file only; last: stopped first
};

// Parses the --db value; throws kw::Error(bad_request) naming the problem.
struct DbUrl {
    Dialect dialect;
    std::string sqlite_path;
    std::string host, user, password, database;
    int port = 3306;
};
DbUrl parse_db_url(const std::string& url);

}  // namespace kw::store
