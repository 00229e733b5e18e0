// Server and Server::Impl: the acceptor (on its own strand), the registry of live connections and
// graceful stop. The connections themselves are in http_session.cpp and ws_session.cpp;
// connection.hpp declares both. Which thread may call what: see server.hpp and connection.hpp.
#include <chrono>
#include <exception>
#include <string_view>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "domain/error.hpp"
#include "http/connection.hpp"

namespace kw::http {

namespace {

constexpr auto kHardCloseSettle = std::chrono::milliseconds(500);

void log_exception(std::exception_ptr error, std::string_view event) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error("event={} error=\"{}\"", event, e.what());
    }
}

}  // namespace

// ---- Server::Impl ----------------------------------------------------------------------------

void Server::Impl::start() {
    beast::error_code ec;
    auto fail = [&](std::string_view what) {
        throw Error(Errc::unavailable,
                    fmt::format("cannot listen on {}:{}: {} ({})", cfg_.address, cfg_.port, what, ec.message()));
    };
    auto address = net::ip::make_address(cfg_.address, ec);
    if (ec) fail("bad address");
    tcp::endpoint endpoint(address, static_cast<unsigned short>(cfg_.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) fail("set_option");
    acceptor_.bind(endpoint, ec);
    if (ec) fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) fail("listen");
    port_ = acceptor_.local_endpoint().port();
    spdlog::info("event=http_listening address={} port={}", cfg_.address, port_.load());
    net::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()),
                  [](std::exception_ptr e) { log_exception(e, "http_accept_loop_failed"); });
}

net::awaitable<void> Server::Impl::accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
        auto [ec, socket] = co_await self->acceptor_.async_accept(
            net::any_io_executor(net::make_strand(self->io_)), kAsTuple);
        if (ec) {
            if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) co_return;
            spdlog::warn("event=http_accept_failed error=\"{}\"", ec.message());
            net::steady_timer pause(co_await net::this_coro::executor, std::chrono::milliseconds(100));
            co_await pause.async_wait(kAsTuple);
            continue;
        }
        auto connection = std::make_shared<Connection>(self, std::move(socket));
        if (!self->add(connection)) continue;
        net::co_spawn(connection->executor(), Connection::run(connection),
                      [](std::exception_ptr e) { log_exception(e, "http_connection_failed"); });
    }
}

bool Server::Impl::add(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    connections_.emplace(connection.get(), connection);
    return true;
}

void Server::Impl::remove(Connection* connection) {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
    if (connections_.empty()) all_closed_.notify_all();
}

std::vector<std::shared_ptr<Connection>> Server::Impl::snapshot() {
    std::vector<std::shared_ptr<Connection>> live;
    for (const auto& [ptr, weak] : connections_) {
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    return live;
}

std::vector<std::shared_ptr<Connection>> Server::Impl::stop_accepting() {
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        live = snapshot();
    }
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ec;
        self->acceptor_.close(ec);
    });
    return live;
}

void Server::Impl::stop(std::chrono::milliseconds grace) {
    std::vector<std::shared_ptr<Connection>> live = stop_accepting();
    for (const auto& connection : live) connection->begin_stop();
    live.clear();
    spdlog::info("event=http_stopping grace_ms={}", grace.count());

    if (io_.get_executor().running_in_this_thread()) {
        auto timer = std::make_shared<net::steady_timer>(io_, grace);
        timer->async_wait([self = shared_from_this(), timer](beast::error_code) { self->close_everything(); });
        return;
    }
    std::unique_lock lock(mutex_);
    if (all_closed_.wait_for(lock, grace, [this] { return connections_.empty(); })) return;
    lock.unlock();
    close_everything();
    lock.lock();
    all_closed_.wait_for(lock, kHardCloseSettle, [this] { return connections_.empty(); });
    if (!connections_.empty()) {
        spdlog::warn("event=http_stop_incomplete connections={}", connections_.size());
    }
}

void Server::Impl::close_everything() {
    for (const auto& connection : stop_accepting()) connection->close_now();
}

// ---- Server ----------------------------------------------------------------------------------

Server::Server(net::io_context& io, net::any_io_executor worker_executor, ServerConfig cfg,
               std::function<Response(Request&)> api_handler, ws::Hub& hub, WsCallbacks ws)
    : impl_(std::make_shared<Impl>(io, std::move(worker_executor), std::move(cfg), std::move(api_handler), hub,
                                   std::move(ws))) {}

Server::~Server() { impl_->close_everything(); }

void Server::start() { impl_->start(); }

int Server::port() const { return impl_->port_.load(); }

void Server::stop(std::chrono::milliseconds grace) { impl_->stop(grace); }

}  // namespace kw::http
