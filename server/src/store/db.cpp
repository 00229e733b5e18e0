#include "store/db.hpp"

#include <soci/mysql/soci-mysql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include <filesystem>

#include "domain/error.hpp"
#include "metrics/registry.hpp"
#include "store/sqlite_checkpointer.hpp"

namespace kw::store {

DbUrl parse_db_url(const std::string& url) {
    DbUrl out;
    if (url.rfind("sqlite:", 0) == 0) {
        out.dialect = Dialect::sqlite;
        out.sqlite_path = url.substr(7);
        if (out.sqlite_path.empty()) throw Error(Errc::bad_request, "database url: sqlite path is empty");
        return out;
    }
    if (url.rfind("mysql://", 0) != 0)
        throw Error(Errc::bad_request, "database url must be sqlite:PATH or mysql://user:pass@host:port/db");
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) throw Error(Errc::bad_request, "database url: " + parsed.error().message());
    out.dialect = Dialect::mysql;
    out.host = parsed->host();
    out.user = parsed->user();
    out.password = parsed->password();
    if (parsed->has_port()) out.port = parsed->port_number();
    std::string path = parsed->path();
    out.database = path.empty() ? "" : path.substr(1);
    if (out.host.empty() || out.user.empty() || out.database.empty())
        throw Error(Errc::bad_request, "database url: mysql://user:pass@host:port/db needs user, host and db");
    return out;
}

namespace {

// What every MySQL connection is set to, at the first open and after a reconnect.
void prepare_mysql(soci::session& s) {
    s << "SET time_zone = '+00:00'";
    s << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
}

std::string quote(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// SQLite's default (serialized) mode locks a connection's mutex on every API call, sqlite3_column_*
// included, and a global mutex on every allocation for its memory statistics: a profile of
// GET /stations/nearby spent ~17 % of the server's CPU in pthread_mutex_lock/unlock. A pooled
// connection is used by one thread at a time, which is all multi-thread mode asks. Must run before
// SQLite initialises (the first open); later calls fail harmlessly (SQLITE_MISUSE) and change nothing.
void configure_sqlite_once() {
    static const bool done = [] {
        const int mode = sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        const int stats = sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        if (mode != SQLITE_OK || stats != SQLITE_OK)
            spdlog::warn("event=sqlite_config_skipped note=\"SQLite already initialised: serialized mode stays\"");
        return true;
    }();
    (void)done;
}

}  // namespace

Db::Session::Session(soci::connection_pool& pool, std::vector<StatementCache>& caches,
                     std::vector<Health>* health, std::atomic<std::uint64_t>& dead_found,
                     metrics::Histogram* wait, metrics::Histogram* held)
    : held_(held),
      exceptions_(std::uncaught_exceptions()),
      pool_(pool),
      requested_(std::chrono::steady_clock::now()),
      pos_(pool.lease()),
      sql_(&pool.at(pos_)),
      statements_(&caches.at(pos_)),
      health_(health ? &health->at(pos_) : nullptr),
      dead_found_(dead_found),
      acquired_(std::chrono::steady_clock::now()) {
    if (wait) wait->observe(std::chrono::duration<double>(acquired_ - requested_).count());
    // Checked (a ping; opened again if dead) before use: a connection whose reconnect failed (the
    // database was still down: it has no backend), and one that may have died while it sat in the
    // pool (check_due). Otherwise, once the database is back, the first request on each connection
    // left idle through the outage would fail.
    if (!sql_->get_backend() || check_due()) {
        heal();
        if (!sql_->get_backend()) {
            pool_.give_back(pos_);
            throw Error(Errc::unavailable, "database unavailable", 1);
        }
    }
    if (health_) health_->checked_at_dead_found = dead_found_.load();
}

Db::Session::~Session() {
    if (held_) held_->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - acquired_).count());
    if (std::uncaught_exceptions() > exceptions_) heal();
    if (health_) health_->released = std::chrono::steady_clock::now();
    pool_.give_back(pos_);
}

// MySQL only. Due when a dead connection was found since this one was last known alive (the
// database went away: this one may be dead too), or when it sat idle for a second or more (the
// database may have restarted with no request there to notice). Under load a connection is back in
// use within milliseconds, so the ping is rare.
bool Db::Session::check_due() const {
    return health_ && (health_->checked_at_dead_found != dead_found_.load() ||
                       acquired_ - health_->released >= std::chrono::seconds(1));
}

void Db::Session::heal() noexcept {
    try {
        if (sql_->is_connected()) return;  // MySQL: a ping; SQLite: always connected
        dead_found_.fetch_add(1);  // every other pooled connection is checked before its next use
        statements_->clear();  // prepared on the connection that is gone
        sql_->reconnect();
        prepare_mysql(*sql_);
        spdlog::warn("event=db_reconnected");
    } catch (const std::exception& e) {
        // Still down: the next statement on this connection fails fast and tries again.
        spdlog::warn("event=db_reconnect_failed error=\"{}\"", e.what());
    }
}

Db::Db(const DbConfig& config)
    : wait_seconds_(config.wait_seconds),
      session_seconds_(config.session_seconds),
      read_wait_seconds_(config.read_wait_seconds),
      read_session_seconds_(config.read_session_seconds) {
    DbUrl url = parse_db_url(config.url);
    dialect_ = url.dialect;
    if (dialect_ == Dialect::sqlite) configure_sqlite_once();
    size_ = dialect_ == Dialect::sqlite ? 1 : static_cast<std::size_t>(std::max(1, config.pool_size));
    pool_ = std::make_unique<soci::connection_pool>(size_);
    for (std::size_t i = 0; i < size_; ++i) {
        soci::session& s = pool_->at(i);
        if (dialect_ == Dialect::sqlite) {
            std::filesystem::path p(url.sqlite_path);
            if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
            s.open(soci::sqlite3, "db=" + url.sqlite_path + " timeout=10 shared_cache=false");
            s << "PRAGMA journal_mode=WAL";
            s << "PRAGMA synchronous=NORMAL";
            s << "PRAGMA foreign_keys=OFF";
            s << "PRAGMA wal_autocheckpoint=0";  // store/sqlite_checkpointer.hpp does it
        } else {
            std::string conn = "host=" + quote(url.host) + " port=" + std::to_string(url.port) +
                               " user=" + quote(url.user) + " db=" + quote(url.database) + " charset=utf8mb4 connect_timeout=5";
            if (!url.password.empty()) conn += " password=" + quote(url.password);
            s.open(soci::mysql, conn);
            prepare_mysql(s);
        }
    }
    // An in-memory database is private to its connection: readers would see another, empty one; and
    // it has no write-ahead log to checkpoint.
    if (dialect_ == Dialect::sqlite && url.sqlite_path != ":memory:") {
        const auto readers = static_cast<std::size_t>(std::max(1, config.pool_size));
        read_pool_ = std::make_unique<soci::connection_pool>(readers);
        for (std::size_t i = 0; i < readers; ++i) {
            soci::session& s = read_pool_->at(i);
            s.open(soci::sqlite3, "db=" + url.sqlite_path + " timeout=10 shared_cache=false");
            s << "PRAGMA query_only=ON";  // a write through a read session fails instead of racing the writer
        }
        checkpointer_ = std::make_unique<SqliteCheckpointer>(url.sqlite_path, std::chrono::seconds(1));
    }
    caches_.resize(size_);
    if (dialect_ == Dialect::mysql) health_.resize(size_);
    if (read_pool_) read_caches_.resize(static_cast<std::size_t>(std::max(1, config.pool_size)));
    // Repositories find a connection's statements from the soci::session they are given.
    for (std::size_t i = 0; i < caches_.size(); ++i) register_statements(pool_->at(i), &caches_[i]);
    for (std::size_t i = 0; i < read_caches_.size(); ++i) register_statements(read_pool_->at(i), &read_caches_[i]);
    spdlog::info("event=db_open dialect={} pool={} readers={}", dialect_ == Dialect::sqlite ? "sqlite" : "mysql",
                 size_, read_pool_ ? static_cast<std::size_t>(std::max(1, config.pool_size)) : 0);
}

Db::~Db() {
    for (std::size_t i = 0; i < caches_.size(); ++i) register_statements(pool_->at(i), nullptr);
    for (std::size_t i = 0; i < read_caches_.size(); ++i) register_statements(read_pool_->at(i), nullptr);
}

int Db::migrate() {
    auto s = session();
    return apply_migrations(*s, dialect_);
}

bool Db::ping() {
    try {
        auto s = session();
        int one = 0;
        *s << "SELECT 1", soci::into(one);
        return one == 1;
    } catch (const std::exception&) {
        return false;
    }
}

std::int64_t Db::last_insert_id(soci::session& sql) const {
    long long id = 0;
    if (dialect_ == Dialect::sqlite) sql << "SELECT last_insert_rowid()", soci::into(id);
    else sql << "SELECT LAST_INSERT_ID()", soci::into(id);
    return id;
}

}  // namespace kw::store
