#pragma once
// A whole Kilowatt installation for one test: its own Mosquitto (dynamic security), Redis, SQLite
// file or MariaDB, the real `kilowatt` binary, and optionally `kilowatt-sim`, all on free loopback
// ports in a temp dir, stopped in the destructor. Helpers drive it through the public HTTP API.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "http_client.hpp"
#include "process.hpp"
#include "services.hpp"

namespace kw::test {

struct StackOptions {
    bool mariadb = false;
    std::vector<std::string> server_flags;  // extra "--section.key=value"
    bool redis_socket = false;              // the servers reach Redis on its Unix socket only (redis.socket)
};

struct ChargerCredentials {
    long long id = 0;
    std::string code;
    std::string password;
    std::string kind = "AC";
    int connectors = 1;
    long long rated_w = 7000;
};

// kilowatt-sim with a control port (see sim/README.md).
class Sim {
public:
    Sim(const std::vector<ChargerCredentials>& chargers, int broker_port, const std::vector<std::string>& extra,
        const std::string& dir);
    ~Sim();
    // Sends one control line, returns the JSON answer.
    boost::json::value control(const std::string& line);
    // status of one charger (the "status CODE" answer).
    boost::json::value status(const std::string& code);
    Process& process() { return *proc_; }
    std::string log_tail() const { return proc_->log_tail(); }

private:
    int control_port_ = 0;
    std::unique_ptr<Process> proc_;
};

class Stack {
public:
    explicit Stack(StackOptions options = {});
    ~Stack();

    HttpClient& http() { return *http_; }
    int http_port() const { return http_port_; }
    Mosquitto& broker() { return broker_; }
    RedisServer& redis() { return redis_; }
    MariaDb& mariadb() { return *mariadb_; }  // only with StackOptions::mariadb
    const std::string& dir() const { return dir_.path(); }
    std::string db_url() const { return db_url_; }
    std::string server_log() const;

    void start_server();
    // The next start_server() uses these (e.g. to restart with other flags on the same database).
    StackOptions& options() { return options_; }
    int stop_server();   // SIGTERM, waits, returns the exit code
    void kill_server();  // SIGKILL: a crash
    bool server_running();
    // Another server instance on the same broker, Redis and database (for scale-out tests).
    std::unique_ptr<Process> start_extra_server(int http_port, const std::string& name);

    static constexpr const char* kAdminLogin = "admin";
    static constexpr const char* kAdminPassword = "Admin-pass1";
    static constexpr const char* kDriverPassword = "Passw0rd1";

    std::string admin_token();
    // After Redis lost its data (restarted without persistence) every login session is gone: the
    // next admin_token() logs in again.
    void forget_logins() { admin_token_.clear(); }
    std::string staff_token(const std::string& role);  // creates an employee with that role
    std::string driver_token(const std::string& phone);  // registers the driver (or logs in)
    // The newest sandbox SMS code sent to the phone ("" if none), read from the server's outbox file.
    std::string sms_code(const std::string& phone) const;
    // The whole registration: POST /auth/sms-code, read the code, POST /auth/driver/register.
    HttpResult register_driver(const std::string& phone, const std::string& password, const std::string& nickname);
    std::string sms_outbox() const { return dir_.file("sms-outbox.log"); }
    // "/api/v1/ws?ticket=…" with a fresh one-use ticket for the token (POST /api/v1/ws-ticket).
    std::string ws_target(const std::string& token);
    long long driver_id(const std::string& token);
    void topup(const std::string& driver_token, long long fen);
    long long balance(const std::string& driver_token);

    // A tariff with one price all day (flat) unless a spec is given; a station using it.
    long long create_tariff(const boost::json::value& spec);
    long long create_station(long long tariff_id, double lng = 121.4737, double lat = 31.2304,
                             const std::string& name = "Test station");
    ChargerCredentials create_charger(long long station_id, const std::string& code, const std::string& kind = "AC",
                                      int connectors = 1, long long rated_w = 7000);

    // Starts the simulator for these chargers; extra flags e.g. {"--speed", "60"}.
    std::unique_ptr<Sim> start_sim(const std::vector<ChargerCredentials>& chargers,
                                   const std::vector<std::string>& extra = {});

    // Waits until the API shows the charger online.
    bool wait_online(const std::string& code, bool online = true, std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // GET /api/v1/orders/{id} as the driver until pred holds; returns the last order JSON.
    boost::json::object wait_order(const std::string& token, long long order_id,
                                   const std::function<bool(const boost::json::object&)>& pred,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

private:
    std::vector<std::string> server_args(int http_port) const;
    StackOptions options_;
    TempDir dir_;
    Mosquitto broker_;
    RedisServer redis_{"stack-redis-secret"};  // with a password, as production runs it
    std::unique_ptr<MariaDb> mariadb_;
    std::string db_url_;
    int http_port_ = 0;
    std::unique_ptr<Process> server_;
    std::unique_ptr<HttpClient> http_;
    std::string admin_token_;
    int employees_ = 0;
    int restarts_ = 0;
};

// Fails the test with the server log tail when a response is not the expected status.
#define KW_EXPECT_STATUS(result, expected)                                                            \
    EXPECT_EQ((result).status, (expected)) << "body: " << (result).body

}  // namespace kw::test
