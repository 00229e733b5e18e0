// The edge's sockets: the listener, each charge point's handshake (path, subprotocol, HTTP Basic
// credentials checked by the broker), its WebSocket frames in and out, and its MQTT connection.
// Every connection runs on its own strand; its Station, MQTT client and timers live on it.
#include "edge.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <spdlog/spdlog.h>

#include "device/mqtt/client.hpp"

namespace kw::ocpp {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::string_view kRealm = "Basic realm=\"Kilowatt OCPP\", charset=\"UTF-8\"";

// A charger code (docs/device-protocol.md): 1-32 of A-Z a-z 0-9 _ -.
bool valid_code(std::string_view s) {
    if (s.empty() || s.size() > 32) return false;
    for (char c : s)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
    return true;
}

// "Basic <base64(user:password)>" -> {user, password}; nullopt when it is not that.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
    constexpr std::string_view kScheme = "Basic ";
    if (header.size() <= kScheme.size() || !beast::iequals(header.substr(0, kScheme.size()), kScheme))
        return std::nullopt;
    std::string_view b64 = header.substr(kScheme.size());
    while (!b64.empty() && b64.front() == ' ') b64.remove_prefix(1);
    while (!b64.empty() && b64.back() == ' ') b64.remove_suffix(1);
    if (b64.empty() || b64.size() % 4 != 0 || b64.size() > 1024) return std::nullopt;
    std::string raw(b64.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                                  reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
    if (n < 0) return std::nullopt;
    std::size_t len = static_cast<std::size_t>(n);
    for (std::size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --len;  // DecodeBlock counts the padding
    raw.resize(len);
    const auto colon = raw.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{raw.substr(0, colon), raw.substr(colon + 1)};
}

// The subprotocols a handshake offers ("ocpp2.0.1, ocpp1.6") -> the one we speak, if any.
std::optional<Version> choose_subprotocol(std::string_view offered) {
    std::optional<Version> chosen;
    while (!offered.empty()) {
        const auto comma = offered.find(',');
        std::string_view token = offered.substr(0, comma);
        offered = comma == std::string_view::npos ? std::string_view() : offered.substr(comma + 1);
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        // OCPP 2.0.1 is not served yet (docs/ocpp.md): only 1.6 is chosen.
        if (version_from_subprotocol(token) == Version::v16) chosen = Version::v16;
    }
    return chosen;
}

std::string random_hex(std::size_t bytes) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto b = static_cast<unsigned>(rng() & 0xff);
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

// One charge point's connection, from its HTTP upgrade to its close.
class Link : public std::enable_shared_from_this<Link>, public v16::Io {
  public:
    Link(tcp::socket socket, Edge::Impl& edge);
    net::awaitable<void> run();
    void close(websocket::close_code code, std::string reason);  // on the strand
    net::any_io_executor executor() const { return ex_; }

    // v16::Io
    void send_frame(std::string text) override;
    void publish(std::string_view kind, std::string payload, int qos) override;
    std::int64_t now() override { return wall_ms(); }
    std::string new_boot_id() override { return random_hex(8); }

  private:
    net::awaitable<bool> handshake(http::request<http::empty_body>& req);
    net::awaitable<bool> connect_broker(const std::string& password);
    net::awaitable<void> refuse(http::status status, std::string body, bool ask_credentials = false);
    net::awaitable<void> write_frames();
    net::awaitable<void> tick();

    Edge::Impl& edge_;
    net::any_io_executor ex_;  // the connection's strand
    beast::tcp_stream stream_;
    std::optional<websocket::stream<beast::tcp_stream>> ws_;
    std::string code_;
    std::unique_ptr<mqtt::MqttClient> mqtt_;
    std::unique_ptr<v16::Station> station_;
    std::deque<std::string> outbox_;
    bool writing_ = false;
    bool closed_ = false;
    net::steady_timer signal_;  // wakes connect_broker() when the broker answers
    enum class Broker { waiting, connected, refused, lost } broker_ = Broker::waiting;
};

struct Edge::Impl : std::enable_shared_from_this<Edge::Impl> {
    Impl(net::io_context& io, EdgeConfig config) : io(io), config(std::move(config)), acceptor(io) {}

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), kAsTuple);
            if (ec) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
                spdlog::warn("event=ocpp_accept_failed error=\"{}\"", ec.message());
                continue;
            }
            auto link = std::make_shared<Link>(std::move(socket), *this);
            net::co_spawn(link_executor(*link), link->run(), [self = shared_from_this(), link](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    spdlog::error("event=ocpp_link_failed error=\"{}\"", ex.what());
                }
            });
        }
    }
    static net::any_io_executor link_executor(Link& link);

    void add(const std::shared_ptr<Link>& link) {
        std::lock_guard lock(mutex);
        links.insert(link);
    }
    void remove(const std::shared_ptr<Link>& link) {
        std::lock_guard lock(mutex);
        links.erase(link);
    }
    std::size_t count() const {
        std::lock_guard lock(mutex);
        return links.size();
    }

    net::io_context& io;
    EdgeConfig config;
    tcp::acceptor acceptor;
    mutable std::mutex mutex;
    std::set<std::shared_ptr<Link>> links;  // the charge points connected (handshake done)
};

Link::Link(tcp::socket socket, Edge::Impl& edge)
    : edge_(edge), ex_(socket.get_executor()), stream_(std::move(socket)), signal_(ex_) {}

net::any_io_executor Edge::Impl::link_executor(Link& link) { return link.executor(); }

net::awaitable<void> Link::run() {
    auto self = shared_from_this();
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8 * 1024);
    stream_.expires_after(std::chrono::seconds(edge_.config.handshake_timeout_s));
    auto [ec, n] = co_await http::async_read(stream_, buffer, parser, kAsTuple);
    if (ec) co_return;
    http::request<http::empty_body> req = parser.release();
    if (!co_await handshake(req)) co_return;

    edge_.add(self);
    spdlog::info("event=ocpp_connected code={} protocol=ocpp1.6 stations={}", code_, edge_.count());
    station_ = std::make_unique<v16::Station>(code_, *this, edge_.config.station);
    mqtt_->on_message([this](const mqtt::Message& m) {
        if (!closed_) station_->on_command(m.payload);
    });
    mqtt_->on_connected([this] {
        if (!closed_) station_->on_broker_connected();
    });
    net::co_spawn(ex_, tick(), net::detached);
    station_->on_connected();

    beast::flat_buffer frame;
    for (;;) {
        auto [rec, bytes] = co_await ws_->async_read(frame, kAsTuple);
        if (rec) {
            if (rec != websocket::error::closed && rec != net::error::operation_aborted)
                spdlog::info("event=ocpp_disconnected code={} error=\"{}\"", code_, rec.message());
            break;
        }
        if (!ws_->got_text()) {
            spdlog::warn("event=ocpp_binary_frame code={} bytes={}", code_, bytes);
        } else {
            station_->on_frame(beast::buffers_to_string(frame.data()));
        }
        frame.consume(frame.size());
    }
    closed_ = true;
    signal_.cancel();
    // Without DISCONNECT: the broker publishes the charger's last will, so the core sees it offline now.
    mqtt_->kill();
    edge_.remove(self);
    spdlog::info("event=ocpp_closed code={} stations={}", code_, edge_.count());
}

net::awaitable<bool> Link::handshake(http::request<http::empty_body>& req) {
    if (!websocket::is_upgrade(req)) {
        co_await refuse(http::status::upgrade_required, "OCPP-J needs a WebSocket upgrade to /ocpp/<chargeBoxId>\n");
        co_return false;
    }
    auto target = boost::urls::parse_origin_form(req.target());
    std::vector<std::string> segments;
    if (target)
        for (auto s : target->segments()) segments.push_back(s);
    if (!segments.empty() && segments.back().empty()) segments.pop_back();
    if (segments.size() != 2 || segments[0] != "ocpp" || !valid_code(segments[1])) {
        co_await refuse(http::status::not_found, "no such station path: use /ocpp/<chargeBoxId>\n");
        co_return false;
    }
    code_ = segments[1];
    if (!choose_subprotocol(req[http::field::sec_websocket_protocol])) {
        spdlog::info("event=ocpp_refused code={} reason=subprotocol offered=\"{}\"", code_,
                     std::string_view(req[http::field::sec_websocket_protocol]));
        co_await refuse(http::status::bad_request, "no OCPP version offered that this edge speaks: ocpp1.6\n");
        co_return false;
    }
    auto credentials = basic_credentials(req[http::field::authorization]);
    if (!credentials || credentials->first != code_) {
        spdlog::info("event=ocpp_refused code={} reason={}", code_, credentials ? "user_mismatch" : "no_credentials");
        co_await refuse(http::status::unauthorized, "HTTP Basic credentials required: <chargeBoxId>:<password>\n",
                        true);
        co_return false;
    }
    if (!co_await connect_broker(credentials->second)) co_return false;

    // The handshake's deadline ends here: from now on the WebSocket's own timeouts (pings) apply.
    stream_.expires_never();
    ws_.emplace(std::move(stream_));
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(edge_.config.ping_idle_s);
    timeouts.keep_alive_pings = true;
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(http::field::sec_websocket_protocol, subprotocol(Version::v16));
        res.set(http::field::server, "kilowatt-ocpp");
    }));
    ws_->read_message_max(edge_.config.max_frame_bytes);
    ws_->text(true);
    auto [ec] = co_await ws_->async_accept(req, kAsTuple);
    if (ec) {
        mqtt_->kill();
        co_return false;
    }
    co_return true;
}

// The broker checks the password (it holds the charger's account): refused is 401, no answer 503.
net::awaitable<bool> Link::connect_broker(const std::string& password) {
    mqtt::Options o;
    o.host = edge_.config.broker_host;
    o.port = edge_.config.broker_port;
    o.client_id = code_;
    o.username = code_;
    o.password = password;
    o.keepalive_s = edge_.config.broker_keepalive_s;
    o.will_topic = "kw/v1/" + code_ + "/state";
    o.will_payload = R"({"online":false,"reason":"connection_lost"})";
    mqtt_ = std::make_unique<mqtt::MqttClient>(ex_, o);
    std::weak_ptr<Link> weak = shared_from_this();
    mqtt_->on_connected([weak] {
        if (auto self = weak.lock(); self && self->broker_ == Broker::waiting) {
            self->broker_ = Broker::connected;
            self->signal_.cancel();
        }
    });
    mqtt_->on_refused([weak](int) {
        if (auto self = weak.lock(); self && self->broker_ == Broker::waiting) {
            self->broker_ = Broker::refused;
            self->signal_.cancel();
        }
    });
    mqtt_->on_disconnected([weak](int rc) {
        auto self = weak.lock();
        if (!self || self->closed_) return;
        if (self->broker_ == Broker::connected && self->ws_) {
            // Another connection took this charger's MQTT session (the station connected again,
            // maybe through another edge), or the broker went away: the station reconnects.
            spdlog::info("event=ocpp_broker_link_lost code={} rc=\"{}\"", self->code_, mqtt::error_string(rc));
            self->close(websocket::close_code::try_again_later, "broker connection lost");
        }
    });
    mqtt_->subscribe("kw/v1/" + code_ + "/cmd", 1);
    mqtt_->start();
    signal_.expires_after(std::chrono::seconds(edge_.config.handshake_timeout_s));
    co_await signal_.async_wait(kAsTuple);
    if (broker_ == Broker::connected) co_return true;
    mqtt_->stop();
    if (broker_ == Broker::refused) {
        spdlog::info("event=ocpp_refused code={} reason=credentials", code_);
        co_await refuse(http::status::unauthorized, "unknown chargeBoxId or wrong password\n", true);
    } else {
        spdlog::warn("event=ocpp_refused code={} reason=broker_unavailable", code_);
        co_await refuse(http::status::service_unavailable, "the broker did not answer; try again later\n");
    }
    co_return false;
}

net::awaitable<void> Link::refuse(http::status status, std::string body, bool ask_credentials) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "kilowatt-ocpp");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (ask_credentials) res.set(http::field::www_authenticate, kRealm);
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    stream_.expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream_, res, kAsTuple);
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
}

void Link::send_frame(std::string text) {
    if (closed_) return;
    outbox_.push_back(std::move(text));
    if (!writing_) {
        writing_ = true;
        net::co_spawn(ex_, write_frames(), net::detached);
    }
}

net::awaitable<void> Link::write_frames() {
    auto self = shared_from_this();
    while (!outbox_.empty() && !closed_) {
        auto [ec, n] = co_await ws_->async_write(net::buffer(outbox_.front()), kAsTuple);
        if (ec) break;  // the read loop sees the connection end
        outbox_.pop_front();
    }
    writing_ = false;
}

void Link::publish(std::string_view kind, std::string payload, int qos) {
    mqtt_->publish("kw/v1/" + code_ + "/" + std::string(kind), std::move(payload), qos);
}

net::awaitable<void> Link::tick() {
    auto self = shared_from_this();
    net::steady_timer timer(ex_);
    while (!closed_) {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(kAsTuple);
        if (!closed_) station_->on_tick();
    }
}

void Link::close(websocket::close_code code, std::string reason) {
    if (closed_ || !ws_) return;
    net::co_spawn(
        ex_,
        [self = shared_from_this(), code, reason]() -> net::awaitable<void> {
            co_await self->ws_->async_close(websocket::close_reason(code, reason), kAsTuple);
        },
        net::detached);
}

Edge::Edge(net::io_context& io, EdgeConfig config) : impl_(std::make_shared<Impl>(io, std::move(config))) {}

Edge::~Edge() = default;

void Edge::start() {
    auto& a = impl_->acceptor;
    const tcp::endpoint endpoint(net::ip::make_address(impl_->config.address),
                                 static_cast<unsigned short>(impl_->config.port));
    a.open(endpoint.protocol());
    a.set_option(net::socket_base::reuse_address(true));
    a.bind(endpoint);
    a.listen(net::socket_base::max_listen_connections);
    net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
    spdlog::info("event=ocpp_listening address={} port={} broker={}:{}", impl_->config.address, port(),
                 impl_->config.broker_host, impl_->config.broker_port);
}

void Edge::stop() {
    net::post(impl_->io, [impl = impl_] {
        beast::error_code ec;
        impl->acceptor.close(ec);
        std::set<std::shared_ptr<Link>> links;
        {
            std::lock_guard lock(impl->mutex);
            links = impl->links;
        }
        for (const auto& link : links)
            net::post(link->executor(), [link] { link->close(websocket::close_code::going_away, "edge stopping"); });
    });
}

int Edge::port() const { return impl_->acceptor.local_endpoint().port(); }

std::size_t Edge::stations() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->links.size();
}

}  // namespace kw::ocpp
