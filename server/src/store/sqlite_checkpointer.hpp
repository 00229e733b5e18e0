#pragma once
// SQLite copies its write-ahead log back into the database file (a checkpoint) on a thread of its
// own, never inside a commit. By default the commit that takes the log past 1,000 pages does it,
// with the writer held: under load every charger event waiting for the one writer then waited for
// the copy and its fsyncs too. The writer connection turns that off (wal_autocheckpoint=0, in
// store/db.cpp) and this thread checkpoints every `every` (PASSIVE: it waits for no reader and no
// writer, and copies what no reader still needs; the rest goes at the next turn).
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <soci/soci.h>

namespace kw::store {

class SqliteCheckpointer {
public:
    SqliteCheckpointer(const std::string& path, std::chrono::milliseconds every);
    ~SqliteCheckpointer();  // stops the thread; the last connection to close checkpoints what is left
    SqliteCheckpointer(const SqliteCheckpointer&) = delete;
    SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

private:
    void run(const std::stop_token& stop);

    soci::session sql_;
    std::chrono::milliseconds every_;
    std::mutex mutex_;
    std::condition_variable_any wake_;  // only to stop early
    std::jthread thread_;  // last: started once everything it uses exists, stopped first
};

}  // namespace kw::store
