// The edge's sockets: the listener, each charge point's handshake (TLS when configured, path,
// subprotocol, HTTP Basic credentials checked by the broker), its WebSocket frames in and out, and
// its MQTT connection. Every connection runs on its own strand; its Station, MQTT client and timers
// live on it. A Link is written once for both transports: Stream is beast::tcp_stream (ws://) or
// beast::ssl_stream<beast::tcp_stream> (wss://, security profile 2).
#include "edge.hpp"

#include <openssl/evp.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>

#include "device/mqtt/client.hpp"
#include "v16/pending.hpp"

namespace kw::ocpp {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::string_view kApprovalTopic = "kw/edge/approval/";
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
        // The first the station offers that we speak: its order is its preference (RFC 6455 4.2.2).
        if (!chosen) chosen = version_from_subprotocol(token);
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

// What the edge needs of a connection, whatever its transport: to close it, on its strand.
class LinkBase {
  public:
    virtual ~LinkBase() = default;
    virtual void close(websocket::close_code code, std::string reason) = 0;  // on the strand
    virtual net::any_io_executor executor() const = 0;
    // The operator approved this charge point (it waits for approval): its new password.
    virtual void approved(std::string password) = 0;  // on the strand
};

// One charge point's connection, from its TLS and HTTP handshakes to its close.
template <class Stream>
class Link : public LinkBase,
             public std::enable_shared_from_this<Link<Stream>>,
             public Io,
             public v16::PendingIo {
  public:
    Link(Stream stream, Edge::Impl& edge);
    net::awaitable<void> run();
    void close(websocket::close_code code, std::string reason) override;
    net::any_io_executor executor() const override { return ex_; }
    void approved(std::string password) override;

    // v16::PendingIo
    void announce(std::string payload) override;
    void reconnect() override;

    // Io
    void send_frame(std::string text) override;
    void publish(std::string_view kind, std::string payload, int qos) override;
    std::int64_t now() override { return wall_ms(); }
    std::string new_boot_id() override { return random_hex(8); }

  private:
    using std::enable_shared_from_this<Link<Stream>>::shared_from_this;
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
    net::awaitable<bool> tls_handshake();
    net::awaitable<bool> handshake(http::request<http::empty_body>& req);
    net::awaitable<bool> connect_broker(const std::string& password);
    net::awaitable<void> refuse(http::status status, std::string body, bool ask_credentials = false);
    net::awaitable<void> write_frames();
    net::awaitable<void> tick();

    Edge::Impl& edge_;
    net::any_io_executor ex_;  // the connection's strand
    Stream stream_;
    std::optional<websocket::stream<Stream>> ws_;
    std::string code_;
    std::unique_ptr<mqtt::MqttClient> mqtt_;
    std::unique_ptr<ChargePoint> station_;  // a v16::Station or a v201::Station, as negotiated
    Version version_ = Version::v16;
    std::unique_ptr<v16::PendingStation> pending_;  // instead of station_ while it waits for approval
    std::deque<std::string> outbox_;
    bool writing_ = false;
    bool closed_ = false;
    net::steady_timer signal_;  // wakes connect_broker() when the broker answers
    enum class Broker { waiting, connected, refused, lost } broker_ = Broker::waiting;
    bool held_ = false;  // refused by the broker, held for the operator's approval
};

struct Edge::Impl : std::enable_shared_from_this<Edge::Impl> {
    Impl(net::io_context& io, EdgeConfig config) : io(io), config(std::move(config)), acceptor(io) {
        if (!this->config.tls_cert.empty()) {
            // Security profile 2: TLS 1.2 or newer, the configured certificate (chain) and key.
            tls.emplace(net::ssl::context::tls_server);
            tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                             net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                             net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
            tls->use_certificate_chain_file(this->config.tls_cert);
            tls->use_private_key_file(this->config.tls_key, net::ssl::context::pem);
        }
    }

    net::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(io), kAsTuple);
            if (ec) {
                if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
                spdlog::warn("event=ocpp_accept_failed error=\"{}\"", ec.message());
                continue;
            }
            if (tls)
                spawn(std::make_shared<Link<TlsStream>>(TlsStream(std::move(socket), *tls), *this));
            else
                spawn(std::make_shared<Link<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *this));
        }
    }
    template <class L>
    void spawn(std::shared_ptr<L> link) {
        auto ex = link->executor();
        net::co_spawn(ex, link->run(), [self = shared_from_this(), link](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& ex) {
                spdlog::error("event=ocpp_link_failed error=\"{}\"", ex.what());
            }
        });
    }

    // --pending-unknown: the edge's own broker account announces the charge points it holds for
    // approval (kw/v1/<code>/pending) and hears the core's approvals (kw/edge/approval/<code>).
    void start_account() {
        mqtt::Options o;
        o.host = config.broker_host;
        o.port = config.broker_port;
        o.client_id = config.edge_username + "-" + random_hex(6);  // several edges share the account
        o.username = config.edge_username;
        o.password = config.edge_password;
        o.keepalive_s = config.broker_keepalive_s;
        account = std::make_unique<mqtt::MqttClient>(net::make_strand(io), o);
        account->on_message([this](const mqtt::Message& m) { on_approval(m); });
        account->on_connected([this] { spdlog::info("event=ocpp_edge_account_connected user={}", config.edge_username); });
        account->on_refused([this](int reason) {
            spdlog::error("event=ocpp_edge_account_refused user={} reason={}", config.edge_username, reason);
        });
        account->subscribe(std::string(kApprovalTopic) + "+", 1);
        account->start();
    }
    bool holding() const { return account && account->connected(); }
    void hold(const std::string& code, const std::shared_ptr<LinkBase>& link) {
        std::lock_guard lock(mutex);
        held[code] = link;
    }
    void release(const std::string& code, const LinkBase* link) {
        std::lock_guard lock(mutex);
        if (auto it = held.find(code); it != held.end() && it->second.lock().get() == link) held.erase(it);
    }
    void announce(const std::string& code, std::string payload) {
        if (account) account->publish("kw/v1/" + code + "/pending", std::move(payload), 1);
    }
    void on_approval(const mqtt::Message& m) {
        const std::string_view topic = m.topic;
        if (topic.substr(0, kApprovalTopic.size()) != kApprovalTopic) return;
        const std::string code(topic.substr(kApprovalTopic.size()));
        boost::system::error_code ec;
        const auto v = boost::json::parse(m.payload, ec);
        const auto* password = !ec && v.is_object() ? v.as_object().if_contains("password") : nullptr;
        if (!password || !password->is_string()) {
            spdlog::warn("event=ocpp_bad_approval code={}", code);
            return;
        }
        std::shared_ptr<LinkBase> link;
        {
            std::lock_guard lock(mutex);
            if (auto it = held.find(code); it != held.end()) link = it->second.lock();
        }
        if (!link) return;  // held by another edge, or gone
        net::post(link->executor(),
                  [link, pw = std::string(password->as_string())]() mutable { link->approved(std::move(pw)); });
    }

    void add(const std::shared_ptr<LinkBase>& link) {
        std::lock_guard lock(mutex);
        links.insert(link);
    }
    void remove(const std::shared_ptr<LinkBase>& link) {
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
    std::optional<net::ssl::context> tls;  // set: wss:// only
    mutable std::mutex mutex;
    std::set<std::shared_ptr<LinkBase>> links;  // the charge points connected (handshake done)
    std::unique_ptr<mqtt::MqttClient> account;  // --pending-unknown only
    std::map<std::string, std::weak_ptr<LinkBase>> held;  // code -> the connection waiting for approval
};

template <class Stream>
Link<Stream>::Link(Stream stream, Edge::Impl& edge)
    : edge_(edge), ex_(stream.get_executor()), stream_(std::move(stream)), signal_(ex_) {}

template <class Stream>
net::awaitable<bool> Link<Stream>::tls_handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        auto [ec] = co_await stream_.async_handshake(net::ssl::stream_base::server, kAsTuple);
        if (ec) {
            spdlog::info("event=ocpp_tls_failed error=\"{}\"", ec.message());
            co_return false;
        }
    }
    co_return true;
}

template <class Stream>
net::awaitable<void> Link<Stream>::run() {
    auto self = shared_from_this();
    lowest().expires_after(std::chrono::seconds(edge_.config.handshake_timeout_s));
    if (!co_await tls_handshake()) co_return;
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8 * 1024);
    auto [ec, n] = co_await http::async_read(stream_, buffer, parser, kAsTuple);
    if (ec) co_return;
    http::request<http::empty_body> req = parser.release();
    if (!co_await handshake(req)) co_return;

    edge_.add(self);
    spdlog::info("event=ocpp_connected code={} protocol={} held={} stations={}", code_, subprotocol(version_), held_,
                 edge_.count());
    if (held_) {
        // Refused by the broker, kept waiting for the operator (--pending-unknown): no MQTT link.
        pending_ = std::make_unique<v16::PendingStation>(code_, *this, edge_.config.pending_interval_s);
        edge_.hold(code_, self);
    } else {
        if (version_ == Version::v201)
            station_ = std::make_unique<v201::Station>(code_, *this, edge_.config.station201);
        else
            station_ = std::make_unique<v16::Station>(code_, *this, edge_.config.station);
        mqtt_->on_message([this](const mqtt::Message& m) {
            if (!closed_) station_->on_command(m.payload);
        });
        mqtt_->on_connected([this] {
            if (!closed_) station_->on_broker_connected();
        });
        net::co_spawn(ex_, tick(), net::detached);
        station_->on_connected();
    }

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
        } else if (held_) {
            pending_->on_frame(beast::buffers_to_string(frame.data()));
        } else {
            station_->on_frame(beast::buffers_to_string(frame.data()));
        }
        frame.consume(frame.size());
    }
    closed_ = true;
    signal_.cancel();
    if (held_) edge_.release(code_, this);
    // Without DISCONNECT: the broker publishes the charger's last will, so the core sees it offline now.
    if (mqtt_) mqtt_->kill();
    edge_.remove(self);
    spdlog::info("event=ocpp_closed code={} held={} stations={}", code_, held_, edge_.count());
}

template <class Stream>
net::awaitable<bool> Link<Stream>::handshake(http::request<http::empty_body>& req) {
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
    const auto version = choose_subprotocol(req[http::field::sec_websocket_protocol]);
    if (!version) {
        spdlog::info("event=ocpp_refused code={} reason=subprotocol offered=\"{}\"", code_,
                     std::string_view(req[http::field::sec_websocket_protocol]));
        co_await refuse(http::status::bad_request,
                        "no OCPP version offered that this edge speaks: ocpp2.0.1, ocpp1.6\n");
        co_return false;
    }
    version_ = *version;
    auto credentials = basic_credentials(req[http::field::authorization]);
    if (!credentials || credentials->first != code_) {
        spdlog::info("event=ocpp_refused code={} reason={}", code_, credentials ? "user_mismatch" : "no_credentials");
        co_await refuse(http::status::unauthorized, "HTTP Basic credentials required: <chargeBoxId>:<password>\n",
                        true);
        co_return false;
    }
    if (!co_await connect_broker(credentials->second)) co_return false;

    // The handshake's deadline ends here: from now on the WebSocket's own timeouts (pings) apply.
    lowest().expires_never();
    ws_.emplace(std::move(stream_));
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.idle_timeout = std::chrono::seconds(edge_.config.ping_idle_s);
    timeouts.keep_alive_pings = true;
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator([v = version_](websocket::response_type& res) {
        res.set(http::field::sec_websocket_protocol, subprotocol(v));
        res.set(http::field::server, "kilowatt-ocpp");
    }));
    ws_->read_message_max(edge_.config.max_frame_bytes);
    ws_->text(true);
    auto [ec] = co_await ws_->async_accept(req, kAsTuple);
    if (ec) {
        if (mqtt_) mqtt_->kill();
        co_return false;
    }
    co_return true;
}

// The broker checks the password (it holds the charger's account): refused is 401, no answer 503.
template <class Stream>
net::awaitable<bool> Link<Stream>::connect_broker(const std::string& password) {
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
    std::weak_ptr<Link> weak = this->shared_from_this();
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
    mqtt_.reset();
    // Holding for approval speaks 1.6 (v16::PendingStation); a 2.0.1 station is refused instead.
    if (broker_ == Broker::refused && edge_.config.pending_unknown && edge_.holding() && version_ == Version::v16) {
        spdlog::info("event=ocpp_held code={} reason=credentials", code_);
        held_ = true;
        co_return true;
    }
    if (broker_ == Broker::refused) {
        spdlog::info("event=ocpp_refused code={} reason=credentials", code_);
        co_await refuse(http::status::unauthorized, "unknown chargeBoxId or wrong password\n", true);
    } else {
        spdlog::warn("event=ocpp_refused code={} reason=broker_unavailable", code_);
        co_await refuse(http::status::service_unavailable, "the broker did not answer; try again later\n");
    }
    co_return false;
}

template <class Stream>
net::awaitable<void> Link<Stream>::refuse(http::status status, std::string body, bool ask_credentials) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "kilowatt-ocpp");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    if (ask_credentials) res.set(http::field::www_authenticate, kRealm);
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    lowest().expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream_, res, kAsTuple);
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
}

template <class Stream>
void Link<Stream>::send_frame(std::string text) {
    if (closed_) return;
    outbox_.push_back(std::move(text));
    if (!writing_) {
        writing_ = true;
        net::co_spawn(ex_, write_frames(), net::detached);
    }
}

template <class Stream>
net::awaitable<void> Link<Stream>::write_frames() {
    auto self = shared_from_this();
    while (!outbox_.empty() && !closed_) {
        auto [ec, n] = co_await ws_->async_write(net::buffer(outbox_.front()), kAsTuple);
        if (ec) break;  // the read loop sees the connection end
        outbox_.pop_front();
    }
    writing_ = false;
}

template <class Stream>
void Link<Stream>::publish(std::string_view kind, std::string payload, int qos) {
    mqtt_->publish("kw/v1/" + code_ + "/" + std::string(kind), std::move(payload), qos);
}

template <class Stream>
net::awaitable<void> Link<Stream>::tick() {
    auto self = shared_from_this();
    net::steady_timer timer(ex_);
    while (!closed_) {
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(kAsTuple);
        if (!closed_) station_->on_tick();
    }
}

template <class Stream>
void Link<Stream>::approved(std::string password) {
    if (!closed_ && pending_) pending_->on_approved(password);
}

template <class Stream>
void Link<Stream>::announce(std::string payload) {
    edge_.announce(code_, std::move(payload));
}

template <class Stream>
void Link<Stream>::reconnect() {
    close(websocket::close_code::service_restart, "approved: connect again with the new AuthorizationKey");
}

template <class Stream>
void Link<Stream>::close(websocket::close_code code, std::string reason) {
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
    if (impl_->config.pending_unknown) {
        if (impl_->config.edge_password.empty())
            throw std::runtime_error("--pending-unknown needs the edge's broker password (KW_MQTT_EDGE_PASSWORD)");
        impl_->start_account();
    }
    net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
    spdlog::info("event=ocpp_listening address={} port={} tls={} broker={}:{}", impl_->config.address, port(),
                 impl_->tls.has_value(), impl_->config.broker_host, impl_->config.broker_port);
}

void Edge::stop() {
    net::post(impl_->io, [impl = impl_] {
        beast::error_code ec;
        impl->acceptor.close(ec);
        if (impl->account) impl->account->stop();
        std::set<std::shared_ptr<LinkBase>> links;
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
