// Config loading and validation: defaults < TOML file < environment < flags, and every bad input
// stops the start with a kw::Error(bad_request) whose message names the key.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "domain/error.hpp"

namespace kw::app {
namespace {

// A TOML file in a fresh temp dir, removed with the object.
class TomlFile {
  public:
    explicit TomlFile(const std::string& text) {
        std::string pattern = (std::filesystem::temp_directory_path() / "kw-config-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        path_ = dir_ + "/kilowatt.toml";
        std::ofstream(path_) << text;
    }
    ~TomlFile() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    TomlFile(const TomlFile&) = delete;
    TomlFile& operator=(const TomlFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string dir_, path_;
};

// An environment block for load_config: {"KW_SERVER_PORT=8081", ...} plus the terminating null.
class Env {
  public:
    Env(std::initializer_list<std::string> entries) : entries_(entries) {
        for (auto& e : entries_) pointers_.push_back(e.data());
        pointers_.push_back(nullptr);
    }
    char** get() { return pointers_.data(); }

  private:
    std::vector<std::string> entries_;
    std::vector<char*> pointers_;
};

// The message of the kw::Error that f throws; fails the test when f throws nothing or another type.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::bad_request) << e.what();
        return e.what();
    }
    ADD_FAILURE() << "expected a kw::Error";
    return {};
}

Config load(const std::string& path, const std::vector<std::string>& flags, std::initializer_list<std::string> env) {
    Env e(env);
    return load_config(path, flags, e.get());
}

TEST(Config, DefaultsAreValid) {
    EXPECT_NO_THROW(validate_config(Config{}));
    Config c = load("", {}, {});
    EXPECT_EQ(c.server.port, 8080);
    EXPECT_EQ(c.server.address, "127.0.0.1");
    EXPECT_EQ(c.database.url, "sqlite:var/kilowatt.db");
    EXPECT_EQ(c.mqtt.broker, "mosquitto");
    EXPECT_EQ(c.mqtt.protocol, 5);
    EXPECT_FALSE(c.payments.sandbox);  // free money is never a default
    EXPECT_FALSE(c.sms.sandbox);
    EXPECT_FALSE(c.demo.seed);
}

TEST(Config, DemoSeedTurnsOnThePaymentAndSmsSandboxes) {
    Config c = load("", {"demo.seed=true"}, {});
    EXPECT_TRUE(c.payments.sandbox);
    EXPECT_TRUE(c.sms.sandbox);
}

// Attack: a production server (MySQL) started with the sandbox on lets any driver top up for free.
TEST(Config, SandboxPaymentsOnMysqlAreRefusedUnlessExplicitlyAllowed) {
    const std::string mysql = "database.url=mysql://kw:pw@127.0.0.1:3306/kw";
    std::string message = error_of([&] { load("", {mysql, "payments.sandbox=true"}, {}); });
    EXPECT_NE(message.find("payments.sandbox"), std::string::npos) << message;
    message = error_of([&] { load("", {mysql, "demo.seed=true"}, {}); });
    EXPECT_NE(message.find("payments.sandbox"), std::string::npos) << message;
    Config c = load("", {mysql, "payments.sandbox=true", "payments.sandbox_allow_mysql=true"}, {});
    EXPECT_TRUE(c.payments.sandbox);
    EXPECT_NO_THROW(load("", {"payments.sandbox=true"}, {}));  // SQLite: development
}

TEST(Config, MetricsTokenIsOffByDefaultAndRefusedWhenShortOrSpaced) {
    EXPECT_EQ(load("", {}, {}).server.metrics_token, "");
    EXPECT_EQ(load("", {}, {"KW_SERVER_METRICS_TOKEN=0123456789abcdef"}).server.metrics_token, "0123456789abcdef");
    for (const char* bad : {"server.metrics_token=short", "server.metrics_token=0123456789 abcdef"}) {
        const std::string message = error_of([&] { load("", {bad}, {}); });
        EXPECT_NE(message.find("server.metrics_token"), std::string::npos) << message;
    }
}

TEST(Config, FileValuesAreApplied) {
    TomlFile file(R"(
[server]
port = 9000
public_url = "https://charge.example.com"

[database]
url = "mysql://kw:secret@db.internal:3306/kilowatt"

[mqtt]
broker = "emqx"
hook_secret = "s3cret"
protocol = 4

[payments]
sandbox = false

[orders]
start_timeout_s = 15
)");
    Config c = load(file.path(), {}, {});
    EXPECT_EQ(c.server.port, 9000);
    EXPECT_EQ(c.server.public_url, "https://charge.example.com");
    EXPECT_EQ(c.database.url, "mysql://kw:secret@db.internal:3306/kilowatt");
    EXPECT_EQ(c.mqtt.broker, "emqx");
    EXPECT_EQ(c.mqtt.hook_secret, "s3cret");
    EXPECT_EQ(c.mqtt.protocol, 4);
    EXPECT_FALSE(c.payments.sandbox);
    EXPECT_EQ(c.orders.start_timeout_s, 15);
    EXPECT_EQ(c.redis.port, 6379);  // untouched keys keep their defaults
}

TEST(Config, EnvironmentServerPortApplies) {
    Config c = load("", {}, {"PATH=/usr/bin", "KW_SERVER_PORT=8081", "HOME=/root"});
    EXPECT_EQ(c.server.port, 8081);
}

TEST(Config, EnvironmentReachesKeysWithUnderscores) {
    Config c = load("", {}, {"KW_ORDERS_START_TIMEOUT_S=20", "KW_PAYMENTS_SANDBOX=false"});
    EXPECT_EQ(c.orders.start_timeout_s, 20);
    EXPECT_FALSE(c.payments.sandbox);
}

TEST(Config, EnvironmentOverridesFile) {
    TomlFile file("[server]\nport = 9000\n");
    EXPECT_EQ(load(file.path(), {}, {"KW_SERVER_PORT=8081"}).server.port, 8081);
}

TEST(Config, FlagsOverrideEnvironmentAndFile) {
    TomlFile file("[server]\nport = 9000\n[log]\nlevel = \"warn\"\n");
    Config c = load(file.path(), {"server.port=8082", "log.level=debug"}, {"KW_SERVER_PORT=8081", "KW_LOG_LEVEL=error"});
    EXPECT_EQ(c.server.port, 8082);
    EXPECT_EQ(c.log.level, "debug");
}

TEST(Config, LaterFlagWins) {
    EXPECT_EQ(load("", {"server.port=8082", "server.port=8083"}, {}).server.port, 8083);
}

TEST(Config, UnknownKeyInFileStopsNamingTheKey) {
    TomlFile file("[server]\nprot = 9000\n");
    EXPECT_NE(error_of([&] { load(file.path(), {}, {}); }).find("server.prot"), std::string::npos);
}

TEST(Config, UnknownSectionInFileStopsNamingTheKey) {
    TomlFile file("[sever]\nport = 9000\n");
    EXPECT_NE(error_of([&] { load(file.path(), {}, {}); }).find("sever.port"), std::string::npos);
}

TEST(Config, TopLevelValueInFileStopsNamingIt) {
    TomlFile file("port = 9000\n");
    EXPECT_NE(error_of([&] { load(file.path(), {}, {}); }).find("port"), std::string::npos);
}

TEST(Config, UnknownKeyInEnvironmentStopsNamingTheVariable) {
    std::string message = error_of([] { load("", {}, {"KW_SERVER_PROT=9000"}); });
    EXPECT_NE(message.find("KW_SERVER_PROT"), std::string::npos) << message;
}

TEST(Config, OtherEnvironmentVariablesAreIgnored) {
    EXPECT_NO_THROW(load("", {}, {"KWX_SERVER_PORT=1", "SERVER_PORT=1", "LANG=C.UTF-8"}));
}

TEST(Config, KwVariablesOfForeignSectionsAreIgnored) {
    Config c = load("", {}, {"KW_VAR_DIR=/tmp/x", "KW_TEST_TIMEOUT=5", "KW_SERVER_PORT=8085"});
    EXPECT_EQ(c.server.port, 8085);
}

TEST(Config, UnknownKeyInFlagStopsNamingTheKey) {
    std::string message = error_of([] { load("", {"orders.start_timeout=5"}, {}); });
    EXPECT_NE(message.find("orders.start_timeout"), std::string::npos) << message;
}

TEST(Config, FlagWithoutValueStopsNamingIt) {
    std::string message = error_of([] { load("", {"server.port"}, {}); });
    EXPECT_NE(message.find("server.port"), std::string::npos) << message;
}

TEST(Config, WrongTypeInFileNamesTheKey) {
    TomlFile port("[server]\nport = \"eighty\"\n");
    EXPECT_NE(error_of([&] { load(port.path(), {}, {}); }).find("server.port"), std::string::npos);
    TomlFile host("[redis]\nhost = 6379\n");
    EXPECT_NE(error_of([&] { load(host.path(), {}, {}); }).find("redis.host"), std::string::npos);
    TomlFile flag("[payments]\nsandbox = \"yes\"\n");
    EXPECT_NE(error_of([&] { load(flag.path(), {}, {}); }).find("payments.sandbox"), std::string::npos);
}

TEST(Config, WrongTypeInFlagOrEnvironmentNamesTheKey) {
    std::string message = error_of([] { load("", {"server.port=80a"}, {}); });
    EXPECT_NE(message.find("server.port"), std::string::npos) << message;
    message = error_of([] { load("", {}, {"KW_DEMO_SEED=maybe"}); });
    EXPECT_NE(message.find("demo.seed"), std::string::npos) << message;
}

TEST(Config, OutOfRangePortNamesTheKey) {
    std::string message = error_of([] { load("", {"server.port=70000"}, {}); });
    EXPECT_NE(message.find("server.port"), std::string::npos) << message;
    message = error_of([] { load("", {"mqtt.port=0"}, {}); });
    EXPECT_NE(message.find("mqtt.port"), std::string::npos) << message;
    message = error_of([] { load("", {"redis.port=-1"}, {}); });
    EXPECT_NE(message.find("redis.port"), std::string::npos) << message;
}

TEST(Config, HighestPortIsAccepted) {
    EXPECT_EQ(load("", {"server.port=65535", "mqtt.port=65535"}, {}).server.port, 65535);
}

TEST(Config, BadMqttProtocolNamesTheKey) {
    std::string message = error_of([] { load("", {"mqtt.protocol=3"}, {}); });
    EXPECT_NE(message.find("mqtt.protocol"), std::string::npos) << message;
    EXPECT_EQ(load("", {"mqtt.protocol=4"}, {}).mqtt.protocol, 4);
}

TEST(Config, BadMqttBrokerNamesTheKey) {
    std::string message = error_of([] { load("", {"mqtt.broker=hivemq"}, {}); });
    EXPECT_NE(message.find("mqtt.broker"), std::string::npos) << message;
}

TEST(Config, BadDatabaseUrlPrefixNamesTheKey) {
    std::string message = error_of([] { load("", {"database.url=postgres://kw@db/kilowatt"}, {}); });
    EXPECT_NE(message.find("database.url"), std::string::npos) << message;
    message = error_of([] { load("", {"database.url=var/kilowatt.db"}, {}); });
    EXPECT_NE(message.find("database.url"), std::string::npos) << message;
    EXPECT_NO_THROW(load("", {"database.url=mysql://kw:pw@127.0.0.1:3306/kilowatt"}, {}));
    EXPECT_NO_THROW(load("", {"database.url=sqlite::memory:"}, {}));
}

TEST(Config, BadLogLevelNamesTheKey) {
    std::string message = error_of([] { load("", {"log.level=verbose"}, {}); });
    EXPECT_NE(message.find("log.level"), std::string::npos) << message;
}

TEST(Config, ValidateConfigChecksValuesSetDirectly) {
    Config c;
    c.orders.sweep_interval_ms = 1;
    std::string message = error_of([&] { validate_config(c); });
    EXPECT_NE(message.find("orders.sweep_interval_ms"), std::string::npos) << message;
}

TEST(Config, SetConfigValueNamesUnknownKey) {
    Config c;
    std::string message = error_of([&] { set_config_value(c, "server.colour", "blue"); });
    EXPECT_NE(message.find("server.colour"), std::string::npos) << message;
    set_config_value(c, "redis.prefix", "kw-test:");
    EXPECT_EQ(c.redis.prefix, "kw-test:");
}

TEST(Config, MalformedFileNamesTheFile) {
    TomlFile file("[server\nport = 1\n");
    std::string message = error_of([&] { load(file.path(), {}, {}); });
    EXPECT_NE(message.find(file.path()), std::string::npos) << message;
}

TEST(Config, KeysListEveryKeyWithItsDefault) {
    auto keys = config_keys(Config{});
    auto find = [&](const std::string& name) -> std::string {
        for (const auto& [k, v] : keys)
            if (k == name) return v;
        return "<missing>";
    };
    EXPECT_EQ(find("server.port"), "8080");
    EXPECT_EQ(find("payments.sandbox"), "false");
    EXPECT_EQ(find("mqtt.password"), "");
    EXPECT_EQ(find("database.url"), "sqlite:var/kilowatt.db");
    // Every listed key can be set by name.
    for (const auto& [k, v] : keys) {
        Config c;
        EXPECT_NO_THROW(set_config_value(c, k, v)) << k;
    }
}

}  // namespace
}  // namespace kw::app
