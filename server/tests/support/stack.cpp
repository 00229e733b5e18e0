#include "stack.hpp"

#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace kw::test {

namespace json = boost::json;

namespace {

void require(const HttpResult& r, int status, const std::string& what) {
    if (r.status != status)
        throw std::runtime_error(what + ": expected HTTP " + std::to_string(status) + ", got " +
                                 std::to_string(r.status) + " " + r.body);
}

}  // namespace

// ---------------------------------------------------------------------------------------------- Sim

Sim::Sim(const std::vector<ChargerCredentials>& chargers, int broker_port, const std::vector<std::string>& extra,
         const std::string& dir) {
    const std::string csv = dir + "/sim-chargers-" + std::to_string(free_port()) + ".csv";
    {
        std::ofstream out(csv);
        out << "code,password,kind,connectors,rated_w\n";
        for (const auto& c : chargers)
            out << c.code << "," << c.password << "," << c.kind << "," << c.connectors << "," << c.rated_w << "\n";
    }
    control_port_ = free_port();
    std::vector<std::string> args = {"--broker-host", "127.0.0.1",         "--broker-port",
                                     std::to_string(broker_port), "--chargers", csv,
                                     "--control-port", std::to_string(control_port_), "--log-level", "debug"};
    args.insert(args.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<Process>(KW_SIM_BIN, args, csv + ".log");
    if (!wait_for_port(control_port_, std::chrono::seconds(10)))
        throw std::runtime_error("kilowatt-sim did not open its control port: " + proc_->log_tail());
}

Sim::~Sim() {
    if (proc_) proc_->terminate(std::chrono::seconds(5));
}

json::value Sim::control(const std::string& line) {
    namespace net = boost::asio;
    net::io_context io;
    net::ip::tcp::socket socket(io);
    socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(control_port_)});
    net::write(socket, net::buffer(line + "\n"));
    net::streambuf buf;
    net::read_until(socket, buf, '\n');
    std::string answer((std::istreambuf_iterator<char>(&buf)), std::istreambuf_iterator<char>());
    return json::parse(answer);
}

json::value Sim::status(const std::string& code) { return control("status " + code); }

// -------------------------------------------------------------------------------------------- Stack

Stack::Stack(StackOptions options) : options_(std::move(options)), dir_("kw-stack") {
    if (options_.mariadb) {
        mariadb_ = std::make_unique<MariaDb>();
        db_url_ = mariadb_->url();
    } else {
        db_url_ = "sqlite:" + dir_.file("kilowatt.db");
    }
    http_port_ = free_port();
    start_server();
}

Stack::~Stack() {
    if (server_) server_->terminate(std::chrono::seconds(10));
}

std::string Stack::server_log() const {
    std::string out;
    for (int i = 0; i <= restarts_; ++i) out += read_file(dir_.file("kilowatt-" + std::to_string(i) + ".log"));
    return out;
}

std::vector<std::string> Stack::server_args(int http_port) const {
    std::vector<std::string> args = {
        "--server.port=" + std::to_string(http_port),
        "--database.url=" + db_url_,
        "--redis.port=" + std::to_string(redis_.port()),
        "--redis.password=" + redis_.password(),
        // The sandboxes, so tests can top up and register; quotas per client address raised, since
        // every test client is 127.0.0.1 (the throttling tests lower them again).
        "--payments.sandbox=true",
        "--sms.sandbox=true",
        "--sms.sandbox_outbox=" + sms_outbox(),
        "--sms.resend_s=0",
        "--limits.sms_per_phone_per_hour=100000",
        "--limits.ip_free_failures=1000",
        "--limits.sms_per_ip_per_hour=100000",
        "--limits.register_per_ip_per_hour=100000",
        "--limits.topups_per_driver_per_hour=100000",
        "--mqtt.port=" + std::to_string(broker_.port()),
        "--mqtt.username=" + broker_.admin_user(),
        "--mqtt.password=" + broker_.admin_password(),
        "--auth.bootstrap_admin=" + std::string(kAdminLogin) + ":" + kAdminPassword,
        "--orders.sweep_interval_ms=200",
        "--orders.min_balance_fen=100",
        "--server.workers=4",
        "--log.level=debug",
    };
    if (options_.mariadb) args.push_back("--payments.sandbox_allow_mysql=true");
    if (options_.redis_socket) {
        args.push_back("--redis.socket=" + redis_.socket_path());
        args.push_back("--redis.port=1");  // nothing listens there: only the socket can serve them
    }
    args.insert(args.end(), options_.server_flags.begin(), options_.server_flags.end());
    return args;
}

std::unique_ptr<Process> Stack::start_extra_server(int http_port, const std::string& name) {
    auto args = server_args(http_port);
    args.push_back("--server.instance_id=" + name);
    const std::string log = dir_.file("kilowatt-" + name + ".log");
    auto proc = std::make_unique<Process>(KW_SERVER_BIN, args, log);
    if (!wait_for_port(http_port, std::chrono::seconds(20)))
        throw std::runtime_error("extra kilowatt did not start: " + proc->log_tail());
    if (!eventually([&] { return read_file(log).find("event=broker_accounts_ready") != std::string::npos; },
                    std::chrono::seconds(20)))
        throw std::runtime_error("extra kilowatt did not set up broker accounts: " + proc->log_tail());
    return proc;
}

void Stack::start_server() {
    std::vector<std::string> args = server_args(http_port_);
    if (server_) ++restarts_;
    const std::string log = dir_.file("kilowatt-" + std::to_string(restarts_) + ".log");
    server_ = std::make_unique<Process>(KW_SERVER_BIN, args, log);
    if (!wait_for_port(http_port_, std::chrono::seconds(20)))
        throw std::runtime_error("kilowatt did not start: " + server_->log_tail());
    // Broker accounts (charger credentials) work once the server's dynsec setup ran.
    if (!eventually([&] { return read_file(log).find("event=broker_accounts_ready") != std::string::npos; },
                    std::chrono::seconds(20)))
        throw std::runtime_error("kilowatt did not set up broker accounts: " + server_->log_tail());
    http_ = std::make_unique<HttpClient>("127.0.0.1", http_port_);
}

int Stack::stop_server() {
    int rc = server_->terminate(std::chrono::seconds(20));
    return rc;
}

void Stack::kill_server() { server_->kill_hard(); }

bool Stack::server_running() { return server_ && server_->running(); }

std::string Stack::admin_token() {
    if (admin_token_.empty()) {
        auto r = http().post("/api/v1/auth/staff/login",
                             json::serialize(json::object{{"login", kAdminLogin}, {"password", kAdminPassword}}));
        require(r, 200, "admin login");
        admin_token_ = std::string(r.json().at("token").as_string());
    }
    return admin_token_;
}

std::string Stack::staff_token(const std::string& role) {
    const std::string login = role + std::to_string(++employees_);
    const std::string password = "Staff-pass1";
    auto r = http().post("/api/v1/admin/employees",
                         json::serialize(json::object{{"login", login}, {"password", password},
                                                      {"name", "Test " + role}, {"role", role}}),
                         admin_token());
    require(r, 201, "create employee");
    auto l = http().post("/api/v1/auth/staff/login",
                         json::serialize(json::object{{"login", login}, {"password", password}}));
    require(l, 200, "staff login");
    return std::string(l.json().at("token").as_string());
}

std::string Stack::sms_code(const std::string& phone) const {
    std::string code;
    std::istringstream lines(read_file(sms_outbox()));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        auto j = json::parse(line).as_object();
        if (j.at("phone").as_string() == phone) code = std::string(j.at("code").as_string());
    }
    return code;
}

HttpResult Stack::register_driver(const std::string& phone, const std::string& password, const std::string& nickname) {
    auto sent = http().post("/api/v1/auth/sms-code", json::serialize(json::object{{"phone", phone}}));
    if (sent.status != 202) return sent;
    return http().post("/api/v1/auth/driver/register",
                       json::serialize(json::object{
                           {"phone", phone}, {"code", sms_code(phone)}, {"password", password}, {"nickname", nickname}}));
}

std::string Stack::ws_target(const std::string& token) {
    auto r = http().post("/api/v1/ws-ticket", "{}", token);
    require(r, 201, "ws ticket");
    return "/api/v1/ws?ticket=" + std::string(r.json().at("ticket").as_string());
}

std::string Stack::driver_token(const std::string& phone) {
    auto body = json::serialize(json::object{{"phone", phone}, {"password", kDriverPassword}});
    auto r = register_driver(phone, kDriverPassword, "d" + phone.substr(7));
    if (r.status == 409 || r.status == 429) r = http().post("/api/v1/auth/driver/login", body);
    if (r.status != 200 && r.status != 201) require(r, 201, "driver register");
    return std::string(r.json().at("token").as_string());
}

long long Stack::driver_id(const std::string& token) {
    auto r = http().get("/api/v1/me", token);
    require(r, 200, "me");
    return r.json().at("id").as_int64();
}

void Stack::topup(const std::string& token, long long fen) {
    auto r = http().post("/api/v1/wallet/topups", json::serialize(json::object{{"amount_fen", fen}}), token);
    require(r, 201, "create top-up");
    const long long id = r.json().at("id").as_int64();
    const std::string sign(r.json().at("client_params").at("sign").as_string());
    auto p = http().post("/api/v1/wallet/topups/" + std::to_string(id) + "/sandbox-pay",
                         json::serialize(json::object{{"sign", sign}}), token);
    require(p, 200, "sandbox pay");
}

long long Stack::balance(const std::string& token) {
    auto r = http().get("/api/v1/wallet", token);
    require(r, 200, "wallet");
    return r.json().at("balance_fen").as_int64();
}

long long Stack::create_tariff(const json::value& spec) {
    json::object body = spec.as_object();
    if (!body.contains("name")) body["name"] = "test tariff";
    auto r = http().post("/api/v1/admin/tariffs", json::serialize(body), admin_token());
    require(r, 201, "create tariff");
    return r.json().at("id").as_int64();
}

long long Stack::create_station(long long tariff_id, double lng, double lat, const std::string& name) {
    auto r = http().post("/api/v1/admin/stations",
                         json::serialize(json::object{{"name", name},
                                                      {"address", "1 Test Road"},
                                                      {"lng", lng},
                                                      {"lat", lat},
                                                      {"timezone", "Asia/Shanghai"},
                                                      {"opening_hours", "00:00-24:00"},
                                                      {"tariff_id", tariff_id}}),
                         admin_token());
    require(r, 201, "create station");
    return r.json().at("id").as_int64();
}

ChargerCredentials Stack::create_charger(long long station_id, const std::string& code, const std::string& kind,
                                         int connectors, long long rated_w) {
    auto r = http().post("/api/v1/admin/chargers",
                         json::serialize(json::object{{"code", code},
                                                      {"station_id", station_id},
                                                      {"name", "Charger " + code},
                                                      {"kind", kind},
                                                      {"rated_w", rated_w},
                                                      {"connectors", connectors}}),
                         admin_token());
    require(r, 201, "create charger");
    auto j = r.json();
    ChargerCredentials c;
    c.id = j.at("id").as_int64();
    c.code = code;
    c.password = std::string(j.at("mqtt").at("password").as_string());
    c.kind = kind;
    c.connectors = connectors;
    c.rated_w = rated_w;
    return c;
}

std::unique_ptr<Sim> Stack::start_sim(const std::vector<ChargerCredentials>& chargers,
                                      const std::vector<std::string>& extra) {
    // With --speed S the simulator's registers rise S times faster than its power, which the server
    // refuses as impossible (a reading above max_w x elapsed time). Tell the server those connectors
    // are that powerful (the simulator still reads the real rated_w from its own CSV).
    double speed = 1;
    for (std::size_t i = 0; i + 1 < extra.size(); ++i)
        if (extra[i] == "--speed") speed = std::stod(extra[i + 1]);
    if (speed > 1) {
        for (const auto& c : chargers) {
            if (c.id == 0) continue;  // not created through this stack's API
            const long long fast = std::min<long long>(1'000'000, static_cast<long long>(c.rated_w * speed) + 1);
            const std::string path = "/api/v1/admin/chargers/" + std::to_string(c.id);
            require(http().put(path, json::serialize(json::object{{"rated_w", fast}}), admin_token()), 200,
                    "raise rated_w for --speed");
            for (int n = 1; n <= c.connectors; ++n)
                require(http().put(path + "/connectors/" + std::to_string(n),
                                   json::serialize(json::object{{"max_w", fast}}), admin_token()),
                        200, "raise max_w for --speed");
        }
    }
    return std::make_unique<Sim>(chargers, broker_.port(), extra, dir_.path());
}

bool Stack::wait_online(const std::string& code, bool online, std::chrono::milliseconds timeout) {
    return eventually(
        [&] {
            auto r = http().get("/api/v1/chargers/" + code, admin_token());
            return r.status == 200 && r.json().at("online").as_bool() == online;
        },
        timeout, std::chrono::milliseconds(100));
}

json::object Stack::wait_order(const std::string& token, long long order_id,
                               const std::function<bool(const json::object&)>& pred,
                               std::chrono::milliseconds timeout) {
    json::object last;
    eventually(
        [&] {
            auto r = http().get("/api/v1/orders/" + std::to_string(order_id), token);
            if (r.status != 200) return false;
            last = r.json().as_object();
            return pred(last);
        },
        timeout, std::chrono::milliseconds(100));
    return last;
}

}  // namespace kw::test
