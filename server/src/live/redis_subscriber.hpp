#pragma once
// RedisSubscriber: one hiredis async connection in SUBSCRIBE mode, driven from an Asio executor
// (hiredis 0.14 has no Asio adapter: its addRead/delRead/addWrite/delWrite/cleanup hooks are mapped
// onto async_wait of a stream_descriptor watching a dup of hiredis' fd). Reconnects with jittered
// backoff and subscribes again to every channel. Used for cross-instance WebSocket fan-out.
//
// Threads: callbacks run on the executor (use a strand if the io_context has several threads).
// subscribe/start/stop may be called from any thread (they post). Set on_message before start().
// The io_context must outlive the subscriber; the destructor detaches the callback at once and posts
// the close.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "live/redis.hpp"

namespace kw::live {

class RedisSubscriber {
  public:
    RedisSubscriber(boost::asio::any_io_executor ex, RedisConfig config);
    ~RedisSubscriber();
    RedisSubscriber(const RedisSubscriber&) = delete;
    RedisSubscriber& operator=(const RedisSubscriber&) = delete;

    void on_message(std::function<void(const std::string& channel, const std::string& payload)> cb);
    // Called with true once every channel's subscription is confirmed on a connection, and with false
    // when a connection closes (messages published meanwhile are lost). Same thread as on_message.
    // Set before start().
    void on_state(std::function<void(bool subscribed)> cb);
    // Remembered; sent now when connected and again after every reconnect.
    void subscribe(std::string channel);
    void start();
    void stop();
    // True while the connection is up (subscriptions may still be in flight).
    bool connected() const;

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace kw::live
