#pragma once
// An io_context run by one background thread for the duration of a test.
#include <atomic>
#include <chrono>
#include <thread>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "process.hpp"

namespace kw::test {

class IoThread {
public:
    IoThread()
        : guard_(ioc_.get_executor()), thread_([this] {
              ioc_.run();
              done_ = true;
          }) {}
    ~IoThread() {
        // Destroyed clients have posted their DISCONNECT; let it run, then stop whatever still waits.
        guard_.reset();
        eventually([this] { return done_.load(); }, std::chrono::seconds(5), std::chrono::milliseconds(5));
        ioc_.stop();
        thread_.join();
    }
    boost::asio::any_io_executor executor() { return ioc_.get_executor(); }

private:
    boost::asio::io_context ioc_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::atomic<bool> done_{false};
    std::thread thread_;
};

}  // namespace kw::test
