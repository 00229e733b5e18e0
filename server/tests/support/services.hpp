#pragma once
// Real services for integration tests: each object starts its own Mosquitto / Redis / MariaDB on a
// free loopback port in its own temp dir, and stops it and removes the dir in its destructor (kept on
// test failure, see TempDir). A service that does not come up throws std::runtime_error naming its
// log file and quoting the log's tail.
// Not thread-safe: use a service object from the test body's thread only.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "process.hpp"

namespace kw::test {

// Mosquitto with the dynamic-security plugin: no anonymous access; clients are created with
// create_client() (which goes through the broker like an operator would, with mosquitto_ctrl).
class Mosquitto {
  public:
    using Acls = std::vector<std::pair<std::string, std::string>>;  // {acltype, topic filter}, all "allow"

    Mosquitto();
    ~Mosquitto();
    Mosquitto(const Mosquitto&) = delete;
    Mosquitto& operator=(const Mosquitto&) = delete;

    int port() const { return port_; }
    std::string admin_user() const { return "admin"; }
    std::string admin_password() const { return "admin-secret"; }
    std::string dynsec_file() const { return dir_.file("dynsec.json"); }
    std::string log_path() const { return dir_.file("mosquitto.log"); }
    const std::string& dir() const { return dir_.path(); }

    // Same port and dynsec file (clients and roles survive); retained messages and sessions do not.
    void restart();
    void stop();
    void start();  // after stop()
    bool running() const { return proc_ && proc_->running(); }

    // Creates a client `user` with its own role "role-<user>" holding the given allow ACLs
    // (acltype: publishClientSend, publishClientReceive, subscribeLiteral, subscribePattern, ...).
    void create_client(const std::string& user, const std::string& password, const Acls& acls);
    // Publish, receive and subscribe to every topic, $share/... included.
    static Acls all_topics();
    // Runs `mosquitto_ctrl -h 127.0.0.1 -p PORT -u admin -P ... dynsec <args>`; throws with its output
    // when it fails.
    void dynsec(const std::vector<std::string>& args);

  private:
    void write_config();

    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> proc_;
};

// redis-server without persistence, on a loopback port and a Unix socket.
class RedisServer {
  public:
    explicit RedisServer(std::string password = {});
    ~RedisServer();
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    const std::string& password() const { return password_; }
    std::string socket_path() const { return dir_.file("redis.sock"); }
    std::string log_path() const { return dir_.file("redis.log"); }
    // Same port; the data is gone (no persistence).
    void restart();
    void stop();
    void start();  // after stop()
    bool running() const { return proc_ && proc_->running(); }

  private:
    void launch(bool port_may_change);  // a new port only on the first start
    std::vector<std::string> args(int port) const;
    TempDir dir_;
    std::string password_;
    int port_ = 0;
    std::unique_ptr<Process> proc_;
};

// A private MariaDB server (mariadb-install-db into the temp dir, then mariadbd tuned for tests:
// small log, no doublewrite, no flush per commit). root has no password over TCP 127.0.0.1.
class MariaDb {
  public:
    MariaDb();
    ~MariaDb();
    MariaDb(const MariaDb&) = delete;
    MariaDb& operator=(const MariaDb&) = delete;

    int port() const { return port_; }
    std::string socket() const { return dir_.file("mysqld.sock"); }
    std::string log_path() const { return dir_.file("mariadb.log"); }
    // mysql://root@127.0.0.1:PORT/db, creating the database first if needed.
    std::string url(const std::string& db = "kilowatt");
    // Runs SQL with the mariadb client (as root, in `db` when given); throws with the output on error.
    void sql(const std::string& statements, const std::string& db = {});
    void stop();
    void start();  // after stop(): the same data on the same port

  private:
    void launch(bool port_may_change);

    TempDir dir_;
    int port_ = 0;
    std::unique_ptr<Process> proc_;
};

}  // namespace kw::test
