#include "services.hpp"

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace kw::test {

namespace {

constexpr auto kStartTimeout = 20s;

std::string dynsec_plugin_path() {
    const char* fixed = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so";
    if (::access(fixed, R_OK) == 0) return fixed;
    for (const char* pattern :
         {"/usr/lib/*/mosquitto_dynamic_security.so", "/usr/lib/mosquitto_dynamic_security.so",
          "/usr/local/lib/mosquitto_dynamic_security.so",
          "/usr/lib*/mosquitto/mosquitto_dynamic_security.so"}) {
        glob_t g{};
        if (::glob(pattern, 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
            std::string found = g.gl_pathv[0];
            ::globfree(&g);
            return found;
        }
        ::globfree(&g);
    }
    throw std::runtime_error("mosquitto_dynamic_security.so not found (package mosquitto)");
}

std::runtime_error start_failure(const std::string& what, const std::string& log) {
    return std::runtime_error(what + " did not start; log " + log + ":\n" + file_tail(log, 3000));
}

// Starts a service listening on `port`; when the process dies at once (the port was taken meanwhile)
// and the port may change, retries on a new free port.
template <class MakeProcess>
std::unique_ptr<Process> start_on_port(const std::string& what, int& port, bool port_may_change,
                                       const std::string& log, MakeProcess make) {
    for (int attempt = 0; attempt < 4; ++attempt) {
        if (attempt > 0 && port_may_change) port = free_port();
        auto proc = make(port);
        bool up =
            eventually([&] { return !proc->running() || wait_for_port(port, 0ms); }, kStartTimeout, 10ms);
        if (up && proc->running()) return proc;
        if (proc->running()) break;  // alive but not listening: a real problem, not a port clash
        if (!port_may_change) break;
    }
    throw start_failure(what, log);
}

}  // namespace

// ---------------------------------------------------------------------------------------------- Mosquitto

Mosquitto::Mosquitto() : dir_("kw-mosquitto-") {
    std::string ctrl_log = dir_.file("mosquitto_ctrl.log");
    int rc = run_program("mosquitto_ctrl", {"dynsec", "init", dynsec_file(), admin_user(), admin_password()},
                         ctrl_log, 30s);
    if (rc != 0)
        throw std::runtime_error("mosquitto_ctrl dynsec init failed; log " + ctrl_log + ":\n" +
                                 file_tail(ctrl_log));
    port_ = free_port();
    proc_ = start_on_port("mosquitto", port_, true, log_path(), [this](int) {
        write_config();
        return std::make_unique<Process>(
            "mosquitto", std::vector<std::string>{"-c", dir_.file("mosquitto.conf")}, log_path());
    });
}

Mosquitto::~Mosquitto() { stop(); }

void Mosquitto::write_config() {
    std::string conf;
    conf += "per_listener_settings false\n";
    conf += "listener " + std::to_string(port_) + " 127.0.0.1\n";
    conf += "allow_anonymous false\n";
    if (::geteuid() == 0) conf += "user root\n";
    conf += "persistence false\n";
    conf += "plugin " + dynsec_plugin_path() + "\n";
    conf += "plugin_opt_config_file " + dynsec_file() + "\n";
    conf += "log_dest file " + log_path() + "\n";  // flushed per line, unlike a redirected stdout
    conf += "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
    conf += "connection_messages true\n";
    conf += "max_queued_messages 100000\n";
    write_file(dir_.file("mosquitto.conf"), conf);
}

void Mosquitto::start() {
    if (running()) return;
    proc_.reset();
    proc_ = start_on_port("mosquitto", port_, false, log_path(), [this](int) {
        return std::make_unique<Process>(
            "mosquitto", std::vector<std::string>{"-c", dir_.file("mosquitto.conf")}, log_path());
    });
}

void Mosquitto::stop() {
    if (proc_) proc_->terminate(10s);
    proc_.reset();
}

void Mosquitto::restart() {
    stop();
    start();
}

void Mosquitto::dynsec(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"-h", "127.0.0.1",      "-p",    std::to_string(port_), "-u", admin_user(),
                                  "-P", admin_password(), "dynsec"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string log = dir_.file("mosquitto_ctrl.log");
    std::string before = read_file(log);
    int rc = run_program("mosquitto_ctrl", argv, log, 30s);
    std::string output = read_file(log).substr(before.size());
    // mosquitto_ctrl exits 0 even when the plugin answers with an error.
    if (rc != 0 || output.find("Error") != std::string::npos || output.find("error:") != std::string::npos) {
        std::string joined;
        for (const auto& a : args) joined += " " + a;
        throw std::runtime_error("mosquitto_ctrl dynsec" + joined + " failed (rc " + std::to_string(rc) +
                                 "):\n" + output);
    }
}

void Mosquitto::create_client(const std::string& user, const std::string& password, const Acls& acls) {
    std::string role = "role-" + user;
    dynsec({"createClient", user, "-p", password});
    dynsec({"createRole", role});
    for (const auto& [acltype, topic] : acls) dynsec({"addRoleACL", role, acltype, topic, "allow"});
    dynsec({"addClientRole", user, role});
}

Mosquitto::Acls Mosquitto::all_topics() {
    return {{"publishClientSend", "#"},
            {"publishClientReceive", "#"},
            {"subscribePattern", "#"},
            {"unsubscribePattern", "#"}};
}

// -------------------------------------------------------------------------------------------- RedisServer

RedisServer::RedisServer(std::string password) : dir_("kw-redis-"), password_(std::move(password)) {
    port_ = free_port();
    launch(true);
}

RedisServer::~RedisServer() { stop(); }

void RedisServer::launch(bool port_may_change) {
    proc_ = start_on_port("redis-server", port_, port_may_change, log_path(), [this](int port) {
        return std::make_unique<Process>("redis-server", args(port), log_path());
    });
}

std::vector<std::string> RedisServer::args(int port) const {
    std::vector<std::string> out{"--port",       std::to_string(port),
                                 "--bind",       "127.0.0.1",
                                 "--unixsocket", socket_path(),
                                 "--unixsocketperm", "700",
                                 "--save",       "",
                                 "--appendonly", "no",
                                 "--dir",        dir_.path(),
                                 "--daemonize",  "no",
                                 "--loglevel",   "notice"};
    if (!password_.empty()) {
        out.push_back("--requirepass");
        out.push_back(password_);
    }
    return out;
}

void RedisServer::start() {
    if (running()) return;
    proc_.reset();
    launch(false);
}

void RedisServer::stop() {
    if (proc_) proc_->terminate(10s);
    proc_.reset();
}

void RedisServer::restart() {
    stop();
    start();
}

// ------------------------------------------------------------------------------------------------ MariaDb

namespace {

// Settings shared by install and server: a small redo log is most of the start-up time saved.
const std::vector<std::string> kMariaDbFast{"--innodb-log-file-size=8M",
                                            "--innodb-buffer-pool-size=32M",
                                            "--skip-name-resolve",
                                            "--skip-log-bin",
                                            "--performance-schema=OFF",
                                            "--innodb-flush-log-at-trx-commit=0",
                                            "--skip-innodb-doublewrite",
                                            "--character-set-server=utf8mb4",
                                            "--collation-server=utf8mb4_unicode_ci"};

void install_mariadb(const std::string& datadir, const std::string& log) {
    std::vector<std::string> args{"--no-defaults", "--user=root", "--datadir=" + datadir,
                                  "--auth-root-authentication-method=normal", "--skip-test-db",
                                  "--force" /* no resolvable localhost needed */};
    args.insert(args.end(), kMariaDbFast.begin(), kMariaDbFast.end());
    int rc = run_program("mariadb-install-db", args, log, 120s);
    if (rc != 0) throw std::runtime_error("mariadb-install-db failed; log " + log + ":\n" + file_tail(log));
}

// A freshly installed, never started data dir, made once per mariadbd build and reused by copying:
// copying ~25 MB beats running the bootstrap for every test. Created under a temporary name and
// renamed into place, so concurrent test processes never see half of one.
std::string mariadb_template() {
    struct stat st {};
    ::stat(find_binary("mariadbd").c_str(), &st);
    const char* tmp = std::getenv("TMPDIR");
    std::string base = (tmp && *tmp) ? tmp : "/tmp";
    std::string path = base + "/kw-mariadb-template-" + std::to_string(::geteuid()) + "-" +
                       std::to_string(st.st_size) + "-" + std::to_string(st.st_mtime);
    if (::access((path + "/ready").c_str(), F_OK) == 0) return path;
    std::string building = make_temp_dir("kw-mariadb-template-building-");
    try {
        install_mariadb(building + "/data", building + "/install.log");
        write_file(building + "/ready", "");
    } catch (...) {
        remove_tree(building);
        throw;
    }
    if (::rename(building.c_str(), path.c_str()) != 0) remove_tree(building);  // another process won
    return path;
}

}  // namespace

MariaDb::MariaDb() : dir_("kw-mariadb-") {
    std::string tpl = mariadb_template();
    std::error_code ec;
    std::filesystem::copy(tpl + "/data", dir_.file("data"), std::filesystem::copy_options::recursive, ec);
    if (ec) {  // fall back to a private install
        remove_tree(dir_.file("data"));
        install_mariadb(dir_.file("data"), dir_.file("install.log"));
    }

    port_ = free_port();
    launch(true);
}

void MariaDb::launch(bool port_may_change) {
    const auto& fast = kMariaDbFast;
    proc_ = start_on_port("mariadbd", port_, port_may_change, log_path(), [&](int port) {
        std::vector<std::string> args{"--no-defaults",
                                      "--user=root",
                                      "--datadir=" + dir_.file("data"),
                                      "--port=" + std::to_string(port),
                                      "--socket=" + socket(),
                                      "--bind-address=127.0.0.1",
                                      "--pid-file=" + dir_.file("mariadbd.pid")};
        args.insert(args.end(), fast.begin(), fast.end());
        return std::make_unique<Process>("mariadbd", std::move(args), log_path());
    });
}

void MariaDb::start() {
    if (!proc_) launch(false);
}

MariaDb::~MariaDb() { stop(); }

void MariaDb::stop() {
    if (proc_) proc_->terminate(30s);
    proc_.reset();
}

void MariaDb::sql(const std::string& statements, const std::string& db) {
    std::vector<std::string> args{"--no-defaults",       "-h", "127.0.0.1", "-P",
                                  std::to_string(port_), "-u", "root"};
    if (!db.empty()) args.push_back("--database=" + db);
    args.push_back("-e");
    args.push_back(statements);
    std::string log = dir_.file("sql.log");
    std::string before = read_file(log);
    int rc = run_program("mariadb", args, log, 60s);
    if (rc != 0)
        throw std::runtime_error("mariadb -e failed (rc " + std::to_string(rc) + "): " + statements + "\n" +
                                 read_file(log).substr(before.size()));
}

std::string MariaDb::url(const std::string& db) {
    sql("CREATE DATABASE IF NOT EXISTS `" + db + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    return "mysql://root@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

}  // namespace kw::test
