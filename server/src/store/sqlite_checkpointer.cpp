#include "store/sqlite_checkpointer.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <exception>

namespace kw::store {

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, std::chrono::milliseconds every)
    : sql_(soci::sqlite3, "db=" + path + " timeout=10 shared_cache=false"),
      every_(every),
      thread_([this](const std::stop_token& stop) { run(stop); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
    thread_.request_stop();
    thread_.join();
}

void SqliteCheckpointer::run(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, stop, every_, [] { return false; });
        if (stop.stop_requested()) return;
        try {
            // One row: whether it was blocked, the log's frames, the frames copied.
            int busy = 0, log = 0, copied = 0;
            sql_ << "PRAGMA wal_checkpoint(PASSIVE)", soci::into(busy), soci::into(log), soci::into(copied);
            if (log > 250'000 && copied < log)  // ~1 GB of log that readers keep from being copied
                spdlog::warn("event=sqlite_wal_large frames={} checkpointed={}", log, copied);
        } catch (const std::exception& e) {
            spdlog::warn("event=sqlite_checkpoint_failed error=\"{}\"", e.what());
        }
    }
}

}  // namespace kw::store
