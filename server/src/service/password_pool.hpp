#pragma once
// PasswordPool: argon2id hashing and verification on a small thread pool of its own, so a burst of
// logins uses at most `threads` cores and 19 MiB each, and never the threads that bill charger
// messages. Callers (HTTP worker threads) block until their job is done; when more than
// `max_waiting` jobs are queued the call fails at once with kw::Error(too_many_requests).
#include <atomic>
#include <string>

#include <boost/asio/thread_pool.hpp>

namespace kw::service {

class PasswordPool {
public:
    PasswordPool(int threads, int max_waiting);
    ~PasswordPool();
    PasswordPool(const PasswordPool&) = delete;
    PasswordPool& operator=(const PasswordPool&) = delete;

    std::string hash(const std::string& password);
    bool verify(const std::string& encoded_hash, const std::string& password);
    // Jobs queued or running now (for /metrics).
    int waiting() const { return waiting_.load(std::memory_order_relaxed); }

private:
    template <class F>
    auto run(F f);

    boost::asio::thread_pool pool_;
    const int max_waiting_;
    std::atomic<int> waiting_{0};
};

}  // namespace kw::service
