// The HTTP/WebSocket server in-process on a free port: a test-owned echo api_handler, a real Hub, two
// io threads and a worker thread_pool, spoken to over real sockets by the test clients.
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "domain/error.hpp"
#include "http/server.hpp"
#include "http_client.hpp"
#include "process.hpp"
#include "ws/hub.hpp"
#include "ws/push.hpp"

namespace kw::http {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using test::HttpClient;
using test::WsClient;
using test::WsUpgradeError;

constexpr const char* kHost = "127.0.0.1";

// A running Server with its io threads, worker pool, hub and the two built web apps in a temp dir.
class TestServer {
public:
    explicit TestServer(std::size_t max_queued = ws::Hub::kDefaultMaxQueued, int port = 0)
        : hub_(io_.get_executor(), max_queued), guard_(boost::asio::make_work_guard(io_)) {
        write_web_apps();
        ServerConfig cfg;
        cfg.address = kHost;
        cfg.port = port;
        cfg.admin_root = dir_.path() + "/www/admin";
        cfg.app_root = dir_.path() + "/www/app";
        WsCallbacks callbacks;
        // Tickets and tokens are the same made-up strings here; the session id is the credential.
        callbacks.authenticate = [](const std::string& ticket,
                                    const std::string& bearer) -> std::optional<WsIdentity> {
            const std::string& credential = ticket.empty() ? bearer : ticket;
            if (credential == "driver-7") return WsIdentity{Principal{Role::driver, 7}, credential};
            if (credential == "admin-1") return WsIdentity{Principal{Role::admin, 1}, credential};
            return std::nullopt;
        };
        callbacks.authorize = [this](const WsIdentity& identity, const std::string& channel) -> std::string {
            {
                std::lock_guard lock(revoked_mutex_);
                if (revoked_.count(identity.session)) return "unauthorized";
            }
            const Principal& who = identity.principal;
            if (channel.rfind("test:", 0) == 0) return "";
            if (channel == "order:7") return who.id == 7 || who.is_staff() ? "" : "forbidden";
            if (channel == "order:8" || channel == "dashboard") return who.is_staff() ? "" : "forbidden";
            return "not_found";
        };
        server_ = std::make_unique<Server>(io_, worker_.get_executor(), cfg,
                                           [this](Request& request) { return echo(request); }, hub_, callbacks);
        server_->start();
        for (int i = 0; i < 2; ++i) io_threads_.emplace_back([this] { io_.run(); });
    }

    ~TestServer() {
        server_->stop(2s);
        guard_.reset();
        io_.stop();
        for (auto& thread : io_threads_) thread.join();
        worker_.join();
    }

    int port() const { return server_->port(); }
    Server& server() { return *server_; }
    ws::Hub& hub() { return hub_; }
    std::string web_file(const std::string& name) const { return test::read_file(dir_.path() + "/www/" + name); }
    // Makes authorize() answer "unauthorized" for this session from now on (set before subscribing).
    void revoke_quietly(const std::string& session) {
        std::lock_guard lock(revoked_mutex_);
        revoked_.insert(session);
    }

    std::atomic<int> api_calls{0};
    std::atomic<bool> slow_request_started{false};

private:
    // The test's own api_handler: echoes what the server decoded; /api/slow takes 300 ms.
    Response echo(Request& request) {
        ++api_calls;
        if (request.path == "/api/slow") {
            slow_request_started = true;
            std::this_thread::sleep_for(300ms);
        }
        json::object query;
        for (const auto& [key, value] : request.query) query[key] = value;
        Response response;
        response.body = json::serialize(json::object{{"method", request.method},
                                                     {"path", request.path},
                                                     {"query", query},
                                                     {"body", request.body},
                                                     {"token", request.bearer_token},
                                                     {"remote", request.remote_address}});
        response.headers.emplace_back("X-Echo", "yes");
        if (request.path == "/api/teapot") response.status = 418;
        return response;
    }

    void write_web_apps() {
        const std::string www = dir_.path() + "/www";
        for (const char* sub : {"/admin", "/admin/assets", "/app", "/app/assets"}) {
            std::filesystem::create_directories(www + sub);
        }
        test::write_file(www + "/secret.txt", "TOP-SECRET");
        test::write_file(www + "/admin/index.html", "<!doctype html><title>admin</title>");
        test::write_file(www + "/admin/manifest.webmanifest", R"({"name":"Kilowatt Admin"})");
        test::write_file(www + "/admin/assets/index-1a2b3c.js", "console.log('admin');");
        test::write_file(www + "/admin/assets/index-4d5e6f.css", "body{margin:0}");
        test::write_file(www + "/admin/assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        test::write_file(www + "/admin/assets/icon.png", std::string("\x89PNG\r\n\x1a\n", 8));
        test::write_file(www + "/admin/assets/inter.woff2", "wOF2");
        test::write_file(www + "/app/index.html", "<!doctype html><title>app</title>");
        test::write_file(www + "/app/assets/main-77.js", "console.log('app');");
        // Precompressed copies as the web build leaves them (the server sends their bytes as they are).
        test::write_file(www + "/app/assets/main-77.js.br", "BR-BYTES");
        test::write_file(www + "/app/assets/main-77.js.gz", "GZ-BYTES");
    }

    test::TempDir dir_{"kw-http-"};
    std::mutex revoked_mutex_;
    std::set<std::string> revoked_;
    boost::asio::io_context io_;
    boost::asio::thread_pool worker_{2};
    ws::Hub hub_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
    std::unique_ptr<Server> server_;
    std::vector<std::thread> io_threads_;
};

class HttpServerTest : public ::testing::Test {
protected:
    void SetUp() override { server_ = std::make_unique<TestServer>(); }
    void TearDown() override { server_.reset(); }

    HttpClient client() { return HttpClient(kHost, server_->port()); }
    WsClient ws(const std::string& token) {
        return WsClient(kHost, server_->port(), std::string(kWebSocketPath) + "?ticket=" + token);
    }

    std::unique_ptr<TestServer> server_;
};

// A JSON string's text (other values serialized), for comparisons.
std::string text(const json::value& value) {
    return value.is_string() ? std::string(value.get_string()) : json::serialize(value);
}

bool is_op(const json::value& message, std::string_view op) {
    const auto* object = message.if_object();
    const auto* value = object ? object->if_contains("op") : nullptr;
    return value && value->is_string() && value->get_string() == op;
}

bool is_hub_message(const json::value& message) {
    const auto* object = message.if_object();
    return object && object->contains("channel") && object->contains("event");
}

void subscribe(WsClient& ws, const std::string& channel) {
    ws.send(json::serialize(json::object{{"op", "subscribe"}, {"channel", channel}}));
    auto reply = ws.receive_json_until([](const json::value& m) { return is_op(m, "subscribed") || is_op(m, "error"); },
                                       5s);
    ASSERT_TRUE(is_op(reply, "subscribed")) << json::serialize(reply);
    ASSERT_EQ(text(reply.at("channel")), channel);
}

// ---- HTTP ------------------------------------------------------------------------------------

TEST_F(HttpServerTest, RequestRoundTripCarriesDecodedPathQueryAndBearerToken) {
    auto c = client();
    auto r = c.get("/api/v1/echo%20dir/caf%C3%A9?name=a%20b&plus=1+2&empty=&mark=%E2%9C%93", "tok-123");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("Server"), "kilowatt");
    EXPECT_EQ(r.header("X-Echo"), "yes");
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    auto j = r.json();
    EXPECT_EQ(text(j.at("method")), "GET");
    EXPECT_EQ(text(j.at("path")), "/api/v1/echo dir/café");
    EXPECT_EQ(j.at("query"), (json::object{{"name", "a b"}, {"plus", "1 2"}, {"empty", ""}, {"mark", "✓"}}));
    EXPECT_EQ(text(j.at("token")), "tok-123");
    EXPECT_EQ(text(j.at("remote")), "127.0.0.1");

    auto posted = c.post("/api/v1/items", R"({"name":"x"})");
    ASSERT_EQ(posted.status, 200);
    EXPECT_EQ(text(posted.json().at("method")), "POST");
    EXPECT_EQ(text(posted.json().at("body")), R"({"name":"x"})");
    EXPECT_EQ(text(posted.json().at("token")), "");

    EXPECT_EQ(c.get("/api/teapot").status, 418);
    EXPECT_EQ(server_->api_calls, 3);
}

TEST_F(HttpServerTest, OversizeBodyGets413AndNeverReachesTheHandler) {
    auto c = client();
    auto r = c.post("/api/v1/items", std::string(64 * 1024 + 1, 'x'));
    EXPECT_EQ(r.status, 413);
    EXPECT_EQ(text(r.json().at("code")), "payload_too_large");
    EXPECT_EQ(server_->api_calls, 0);

    auto at_limit = c.post("/api/v1/items", std::string(64 * 1024, 'y'));
    EXPECT_EQ(at_limit.status, 200);
    EXPECT_EQ(at_limit.json().at("body").as_string().size(), 64u * 1024u);
    EXPECT_EQ(server_->api_calls, 1);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndTheConnectionIsClosed) {
    auto c = client();
    auto garbage = c.raw("GARBAGE\r\n\r\n");
    EXPECT_EQ(garbage.status, 400);
    EXPECT_EQ(text(garbage.json().at("code")), "bad_request");
    EXPECT_TRUE(garbage.closed);

    auto bad_length = c.raw("POST /api/v1/items HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
    EXPECT_EQ(bad_length.status, 400);
    EXPECT_TRUE(bad_length.closed);

    auto bad_target = c.raw("GET http://elsewhere/api/v1/items HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(bad_target.status, 400);
    EXPECT_TRUE(bad_target.closed);
    EXPECT_EQ(server_->api_calls, 0);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    auto c = client();
    for (int i = 0; i < 5; ++i) {
        auto r = c.get("/api/v1/n?i=" + std::to_string(i));
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(text(r.json().at("query").at("i")), std::to_string(i));
        EXPECT_NE(r.header("Connection"), "close");
    }
    EXPECT_EQ(c.get("/healthz").status, 200);
    EXPECT_EQ(c.connections_opened(), 1);
}

TEST_F(HttpServerTest, HealthzIsAnsweredWithoutTheApiHandler) {
    auto r = client().get("/healthz");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.json(), (json::object{{"status", "ok"}}));
    EXPECT_EQ(server_->api_calls, 0);
}

TEST_F(HttpServerTest, UnknownPathOutsideApiAndAppsIs404) {
    auto r = client().get("/nothing/here");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(text(r.json().at("code")), "not_found");
}

// ---- Static web apps -------------------------------------------------------------------------

TEST_F(HttpServerTest, StaticFilesAreServedWithTheirContentTypeAndCachePolicy) {
    struct Case {
        const char* target;
        const char* file;
        const char* content_type;
        const char* cache_control;
    };
    const Case cases[] = {
        {"/admin/", "admin/index.html", "text/html; charset=utf-8", "no-cache"},
        {"/admin/index.html", "admin/index.html", "text/html; charset=utf-8", "no-cache"},
        {"/admin/manifest.webmanifest", "admin/manifest.webmanifest", "application/manifest+json", "no-cache"},
        {"/admin/assets/index-1a2b3c.js", "admin/assets/index-1a2b3c.js", "text/javascript; charset=utf-8",
         "public, max-age=31536000, immutable"},
        {"/admin/assets/index-4d5e6f.css", "admin/assets/index-4d5e6f.css", "text/css; charset=utf-8",
         "public, max-age=31536000, immutable"},
        {"/admin/assets/logo.svg", "admin/assets/logo.svg", "image/svg+xml", "public, max-age=31536000, immutable"},
        {"/admin/assets/icon.png", "admin/assets/icon.png", "image/png", "public, max-age=31536000, immutable"},
        {"/admin/assets/inter.woff2", "admin/assets/inter.woff2", "font/woff2", "public, max-age=31536000, immutable"},
        {"/app/assets/main-77.js", "app/assets/main-77.js", "text/javascript; charset=utf-8",
         "public, max-age=31536000, immutable"},
    };
    auto c = client();
    for (const auto& tc : cases) {
        SCOPED_TRACE(tc.target);
        auto r = c.get(tc.target);
        ASSERT_EQ(r.status, 200);
        EXPECT_EQ(r.body, server_->web_file(tc.file));
        EXPECT_EQ(r.header("Content-Type"), tc.content_type);
        EXPECT_EQ(r.header("Cache-Control"), tc.cache_control);
    }
    auto bare = c.get("/admin");
    EXPECT_EQ(bare.status, 301);
    EXPECT_EQ(bare.header("Location"), "/admin/");
    EXPECT_EQ(c.post("/admin/index.html", "{}").status, 405);
    EXPECT_EQ(server_->api_calls, 0);
}

TEST_F(HttpServerTest, APrecompressedCopyIsSentWhenTheClientAcceptsItsEncoding) {
    auto fetch = [&](const std::string& accept) {
        std::string request = "GET /app/assets/main-77.js HTTP/1.1\r\nHost: t\r\nConnection: close\r\n";
        if (!accept.empty()) request += "Accept-Encoding: " + accept + "\r\n";
        return client().raw(request + "\r\n");
    };
    auto br = fetch("gzip, deflate, br");
    EXPECT_EQ(br.body, "BR-BYTES");
    EXPECT_EQ(br.header("Content-Encoding"), "br");
    EXPECT_EQ(br.header("Content-Type"), "text/javascript; charset=utf-8");
    EXPECT_EQ(br.header("Vary"), "Accept-Encoding");

    auto gz = fetch("br;q=0, gzip");
    EXPECT_EQ(gz.body, "GZ-BYTES");
    EXPECT_EQ(gz.header("Content-Encoding"), "gzip");

    auto plain = fetch("");
    EXPECT_EQ(plain.body, server_->web_file("app/assets/main-77.js"));
    EXPECT_EQ(plain.header("Content-Encoding"), "");
    EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");

    // A file the build did not compress has no Vary and is never labelled as encoded.
    auto c = client();
    EXPECT_EQ(c.get("/admin/assets/index-1a2b3c.js").header("Content-Encoding"), "");
    EXPECT_EQ(c.get("/admin/assets/index-1a2b3c.js").header("Vary"), "");
}

TEST_F(HttpServerTest, UnknownAppRouteFallsBackToIndexButAMissingAssetIs404) {
    auto c = client();
    auto route = c.get("/app/orders/7");
    EXPECT_EQ(route.status, 200);
    EXPECT_EQ(route.body, server_->web_file("app/index.html"));
    EXPECT_EQ(route.header("Cache-Control"), "no-cache");

    EXPECT_EQ(c.get("/admin/stations?page=2").body, server_->web_file("admin/index.html"));
    EXPECT_EQ(c.get("/app/assets/missing-00.js").status, 404);
}

TEST_F(HttpServerTest, PathTraversalOutOfAWebAppIsRefused) {
    auto c = client();
    for (const char* target : {"/admin/../secret.txt", "/admin/../../etc/passwd", "/admin/%2e%2e/secret.txt",
                               "/admin/%2E%2E/%2e%2e/etc/passwd", "/admin/assets/..%2f..%2fsecret.txt",
                               "/app/..%2fsecret.txt", "/app/./index.html", "/app/%00index.html"}) {
        SCOPED_TRACE(target);
        auto r = c.get(target);
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos);
        EXPECT_EQ(r.body.find("root:"), std::string::npos);
    }
}

// ---- WebSocket -------------------------------------------------------------------------------

TEST_F(HttpServerTest, WebSocketUpgradeWithABadOrMissingTokenIsRefusedWith401) {
    // A token in the URL (where proxies log it) is not accepted any more: tickets or the header only.
    for (const char* target : {"/api/v1/ws?ticket=nope", "/api/v1/ws", "/api/v1/ws?token=driver-7"}) {
        SCOPED_TRACE(target);
        try {
            WsClient refused(kHost, server_->port(), target);
            ADD_FAILURE() << "upgrade accepted";
        } catch (const WsUpgradeError& e) {
            EXPECT_EQ(e.status, 401);
        }
    }
    WsClient by_header(kHost, server_->port(), kWebSocketPath, "driver-7");
    by_header.send(R"({"op":"ping"})");
    EXPECT_TRUE(is_op(by_header.receive_json_until([](const json::value&) { return true; }, 5s), "pong"));
}

TEST_F(HttpServerTest, SubscriptionIsConfirmedWhenAllowedAndRefusedOtherwise) {
    auto driver = ws("driver-7");
    subscribe(driver, "order:7");

    driver.send(R"({"op":"subscribe","channel":"order:8"})");
    auto forbidden = driver.receive_json_until([](const json::value& m) { return is_op(m, "error"); }, 5s);
    EXPECT_EQ(text(forbidden.at("channel")), "order:8");
    EXPECT_EQ(text(forbidden.at("code")), "forbidden");

    driver.send(R"({"op":"subscribe","channel":"nowhere:1"})");
    auto unknown = driver.receive_json_until([](const json::value& m) { return is_op(m, "error"); }, 5s);
    EXPECT_EQ(text(unknown.at("code")), "not_found");

    EXPECT_EQ(server_->hub().subscriber_count("order:7"), 1u);
    EXPECT_EQ(server_->hub().subscriber_count("order:8"), 0u);
}

TEST_F(HttpServerTest, PublishReachesOnlySubscribersOfThatChannel) {
    auto driver = ws("driver-7");
    auto admin = ws("admin-1");
    subscribe(driver, "order:7");
    subscribe(admin, "dashboard");

    // The hub delivers in publish order, so the first message a client gets proves what it did not get.
    server_->hub().publish("order:7", "meter", R"({"kwh":1.5})");
    server_->hub().publish("dashboard", "counters", R"({"online":3})");
    server_->hub().publish("order:7", "state", R"({"state":"charging"})");

    auto first = driver.receive_json_until(is_hub_message, 5s);
    EXPECT_EQ(first, json::parse(R"({"channel":"order:7","event":"meter","data":{"kwh":1.5}})"));
    auto second = driver.receive_json_until(is_hub_message, 5s);
    EXPECT_EQ(text(second.at("event")), "state");  // not the dashboard message

    auto admin_first = admin.receive_json_until(is_hub_message, 5s);
    EXPECT_EQ(admin_first, json::parse(R"({"channel":"dashboard","event":"counters","data":{"online":3}})"));
}

// What service/auth publishes on logout, disable or role change closes that session's sockets (4001)
// on every instance; other sessions stay.
TEST_F(HttpServerTest, RevocationOnTheSessionChannelClosesThatSessionsWebSocketWith4001) {
    auto driver = ws("driver-7");
    auto admin = ws("admin-1");
    subscribe(driver, "order:7");
    subscribe(admin, "dashboard");
    server_->hub().publish(ws::session_channel("driver-7"), "revoked", "{}");
    EXPECT_TRUE(test::eventually([&] {
        driver.receive(100ms);
        return driver.closed();
    }, 5s));
    EXPECT_EQ(driver.close_code(), kWsRevokedCloseCode);
    EXPECT_TRUE(test::eventually([&] { return server_->hub().subscriber_count("order:7") == 0; }, 5s));
    server_->hub().publish("dashboard", "counters", "{}");
    EXPECT_EQ(text(admin.receive_json_until(is_hub_message, 5s).at("channel")), "dashboard");
    EXPECT_FALSE(admin.closed());
}

// Attack: an operator's socket opened before logout subscribed to `dashboard` after it. Every
// subscription re-checks the session; a dead one closes the socket instead of subscribing.
TEST_F(HttpServerTest, SubscribingOnARevokedSessionClosesTheSocketInsteadOfSubscribing) {
    auto admin = ws("admin-1");
    subscribe(admin, "order:8");
    server_->revoke_quietly("admin-1");
    admin.send(R"({"op":"subscribe","channel":"dashboard"})");
    EXPECT_TRUE(test::eventually([&] {
        admin.receive(100ms);
        return admin.closed();
    }, 5s));
    EXPECT_EQ(admin.close_code(), kWsRevokedCloseCode);
    EXPECT_EQ(server_->hub().subscriber_count("dashboard"), 0u);
}

TEST_F(HttpServerTest, UnsubscribeStopsDelivery) {
    auto admin = ws("admin-1");
    subscribe(admin, "order:8");
    subscribe(admin, "dashboard");
    admin.send(R"({"op":"unsubscribe","channel":"order:8"})");
    auto reply = admin.receive_json_until([](const json::value& m) { return is_op(m, "unsubscribed"); }, 5s);
    EXPECT_EQ(text(reply.at("channel")), "order:8");
    EXPECT_EQ(server_->hub().subscriber_count("order:8"), 0u);

    server_->hub().publish("order:8", "meter", "{}");
    server_->hub().publish("dashboard", "counters", "{}");
    EXPECT_EQ(text(admin.receive_json_until(is_hub_message, 5s).at("channel")), "dashboard");
}

// A sample of a charger nobody watches costs no push: watched() is what the services ask first.
TEST_F(HttpServerTest, AChannelIsWatchedExactlyWhileSomeoneSubscribesToIt) {
    ws::Hub& hub = server_->hub();
    EXPECT_FALSE(hub.watched({"order:9", "order:8"}));
    auto admin = ws("admin-1");
    subscribe(admin, "order:8");
    EXPECT_TRUE(hub.watched({"order:9", "order:8"}));
    EXPECT_FALSE(hub.watched({"order:9"}));
    admin.send(R"({"op":"unsubscribe","channel":"order:8"})");
    admin.receive_json_until([](const json::value& m) { return is_op(m, "unsubscribed"); }, 5s);
    EXPECT_FALSE(hub.watched({"order:9", "order:8"}));
}

TEST_F(HttpServerTest, MalformedWebSocketMessageGetsAnErrorAndTheConnectionStaysOpen) {
    auto driver = ws("driver-7");
    for (const char* bad : {"{not json", R"({"op":"fly"})", R"({"op":"subscribe"})", R"([1,2])", R"({"op":7})"}) {
        SCOPED_TRACE(bad);
        driver.send(bad);
        auto error = driver.receive_json_until([](const json::value&) { return true; }, 5s);
        EXPECT_TRUE(is_op(error, "error")) << json::serialize(error);
        EXPECT_EQ(text(error.at("code")), "bad_request");
    }
    driver.send(R"({"op":"ping"})");
    EXPECT_TRUE(is_op(driver.receive_json_until([](const json::value&) { return true; }, 5s), "pong"));
    subscribe(driver, "order:7");
    EXPECT_FALSE(driver.closed());
}

TEST_F(HttpServerTest, SixtyFifthSubscriptionOnOneConnectionIsRefused) {
    auto admin = ws("admin-1");
    for (int i = 0; i < 64; ++i) subscribe(admin, "test:" + std::to_string(i));
    admin.send(R"({"op":"subscribe","channel":"test:64"})");
    auto refused = admin.receive_json_until([](const json::value& m) { return is_op(m, "error"); }, 5s);
    EXPECT_EQ(text(refused.at("code")), "too_many_subscriptions");
    EXPECT_EQ(server_->hub().subscriber_count("test:64"), 0u);
    subscribe(admin, "test:63");  // already held: still confirmed
}

TEST_F(HttpServerTest, IncomingWebSocketMessageOver4KiBClosesTheConnection) {
    auto driver = ws("driver-7");
    driver.send(R"({"op":"ping","pad":")" + std::string(4096, 'x') + "\"}");
    EXPECT_TRUE(test::eventually([&] {
        driver.receive(100ms);
        return driver.closed();
    }, 5s));
    EXPECT_EQ(driver.close_code(), 1009);
}

TEST(HttpServer, SlowSubscriberIsDroppedWhenItsQueueOverflowsWhileAReadingOneStays) {
    constexpr int kBatch = 16;
    TestServer server(/*max_queued=*/4 * kBatch);
    WsClient slow(kHost, server.port(), std::string(kWebSocketPath) + "?ticket=admin-1");
    subscribe(slow, "test:firehose");
    WsClient reader(kHost, server.port(), std::string(kWebSocketPath) + "?ticket=admin-1");
    subscribe(reader, "test:firehose");
    ASSERT_EQ(server.hub().subscriber_count("test:firehose"), 2u);

    // `slow` never reads from here on; `reader` takes every batch before the next one is published,
    // so only `slow` backs up once the kernel's socket buffers are full (at most 64 MiB here).
    const std::string payload = "\"" + std::string(16 * 1024, 'z') + "\"";
    for (int sent = 0; sent < 4096 && server.hub().subscriber_count("test:firehose") == 2; sent += kBatch) {
        for (int i = 0; i < kBatch; ++i) server.hub().publish("test:firehose", "bulk", payload);
        for (int i = 0; i < kBatch; ++i) reader.receive_json_until(is_hub_message, 5s);
    }
    EXPECT_TRUE(test::eventually([&] { return server.hub().subscriber_count("test:firehose") == 1; }, 10s));
    server.hub().publish("test:firehose", "still", "{}");
    EXPECT_EQ(text(reader.receive_json_until(
                  [](const json::value& m) { return is_hub_message(m) && text(m.at("event")) != "bulk"; }, 5s)
                      .at("event")),
              "still");
}

// ---- Start and stop --------------------------------------------------------------------------

TEST_F(HttpServerTest, StopLetsAnInFlightRequestFinishAndClosesWebSocketsWithGoingAway) {
    auto admin = ws("admin-1");
    subscribe(admin, "dashboard");
    auto idle = client();
    ASSERT_EQ(idle.get("/healthz").status, 200);  // an idle keep-alive connection must not hold stop() up

    std::optional<test::HttpResult> slow;
    std::string slow_error;
    std::thread caller([&] {
        try {
            slow = HttpClient(kHost, server_->port()).get("/api/slow");
        } catch (const std::exception& e) {
            slow_error = e.what();
        }
    });
    ASSERT_TRUE(test::eventually([&] { return server_->slow_request_started.load(); }, 5s));
    const int port = server_->port();
    auto stop_started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration stop_took{};
    std::thread stopper([&] {
        server_->server().stop(20s);
        stop_took = std::chrono::steady_clock::now() - stop_started;
    });
    // The WebSocket client answers the server's close frame while it reads.
    EXPECT_TRUE(test::eventually([&] {
        admin.receive(50ms);
        return admin.closed();
    }, 10s));
    caller.join();
    stopper.join();

    ASSERT_TRUE(slow.has_value()) << slow_error;
    EXPECT_EQ(slow->status, 200);
    EXPECT_EQ(slow->header("Connection"), "close");
    EXPECT_EQ(admin.close_code(), 1001);
    EXPECT_EQ(server_->hub().subscriber_count("dashboard"), 0u);
    // Everything ended by itself: stop() returned long before the 20 s grace ran out.
    EXPECT_LT(stop_took, 10s);
    EXPECT_THROW(HttpClient(kHost, port).get("/healthz"), std::runtime_error);
}

TEST(HttpServer, StartFailsNamingAddressAndPortWhenThePortIsTaken) {
    TestServer first;
    try {
        TestServer second(ws::Hub::kDefaultMaxQueued, first.port());
        ADD_FAILURE() << "second server started on a taken port";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())), std::string::npos)
            << e.what();
    }
}

TEST(HttpServer, HubMessageEmbedsDataAsRawJsonAndEscapesNames) {
    EXPECT_EQ(ws::Hub::format_message("order:\"7\"", "meter", R"({"kwh":2})"),
              R"({"channel":"order:\"7\"","event":"meter","data":{"kwh":2}})");
    EXPECT_EQ(ws::Hub::format_message("dashboard", "tick", ""), R"({"channel":"dashboard","event":"tick","data":null})");
}

}  // namespace
}  // namespace kw::http
