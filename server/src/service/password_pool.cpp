#include "service/password_pool.hpp"

#include <future>

#include <boost/asio/post.hpp>

#include "domain/error.hpp"
#include "service/auth.hpp"

namespace kw::service {

PasswordPool::PasswordPool(int threads, int max_waiting)
    : pool_(static_cast<std::size_t>(threads)), max_waiting_(max_waiting) {}

PasswordPool::~PasswordPool() { pool_.join(); }

template <class F>
auto PasswordPool::run(F f) {
    if (waiting_.fetch_add(1) >= max_waiting_) {
        waiting_.fetch_sub(1);
        throw Error(Errc::too_many_requests, "too many sign-ins at once, try again shortly", 1);
    }
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(pool_, [&task] { task(); });
    struct Done {
        std::atomic<int>& waiting;
        ~Done() { waiting.fetch_sub(1); }
    } done{waiting_};
    return result.get();  // the task lives on this stack until get() returns
}

std::string PasswordPool::hash(const std::string& password) {
    return run([&password] { return hash_password(password); });
}

bool PasswordPool::verify(const std::string& encoded_hash, const std::string& password) {
    return run([&] { return verify_password(encoded_hash, password); });
}

}  // namespace kw::service
