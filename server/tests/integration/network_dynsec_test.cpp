// DynsecAccounts against a real Mosquitto 2.0 with the dynamic-security plugin: the accounts it
// creates really connect, are confined to their own topics, and are gone after removal.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "device/mqtt/client.hpp"
#include "device/mqtt/dynsec.hpp"
#include "domain/error.hpp"
#include "network_support.hpp"
#include "services.hpp"

namespace kw::device::mqtt {
namespace {

using namespace std::chrono_literals;
using kw::test::eventually;
using kw::test::IoThread;
using kw::test::Mosquitto;
using kw::test::SyncClient;

class Inbox {
  public:
    void add(const kw::mqtt::Message& m) {
        std::lock_guard lock(mutex_);
        messages_.push_back(m);
    }
    std::size_t count(const std::string& topic) {
        std::lock_guard lock(mutex_);
        return std::count_if(messages_.begin(), messages_.end(),
                             [&](const kw::mqtt::Message& m) { return m.topic == topic; });
    }

  private:
    std::mutex mutex_;
    std::vector<kw::mqtt::Message> messages_;
};

class DynsecTest : public ::testing::Test {
  protected:
    DynsecTest() {
        kw::mqtt::Options o;
        o.port = broker_.port();
        o.client_id = "kilowatt-test";
        o.username = broker_.admin_user();
        o.password = broker_.admin_password();
        o.reconnect_min_ms = 50;
        o.reconnect_max_ms = 500;
        server_ = std::make_unique<kw::mqtt::MqttClient>(io_.executor(), o);
        accounts_ = std::make_unique<DynsecAccounts>(*server_, 5s);
        server_->on_message([this](const kw::mqtt::Message& m) {
            if (m.topic == kDynsecResponseTopic)
                accounts_->on_response(m);
            else
                inbox_.add(m);
        });
        server_->start();
    }

    // The client goes first: its callback uses accounts_, which members' reverse order would destroy
    // before it (DynsecAccounts only holds a reference to the client and does nothing when destroyed).
    ~DynsecTest() override { server_.reset(); }

    // A started kw::mqtt::MqttClient for a charger, recording what it receives.
    std::unique_ptr<kw::mqtt::MqttClient> charger(const std::string& code, const std::string& password,
                                                  Inbox& inbox) {
        kw::mqtt::Options o;
        o.port = broker_.port();
        o.client_id = code;
        o.username = code;
        o.password = password;
        o.reconnect_min_ms = 50;
        o.reconnect_max_ms = 500;
        auto c = std::make_unique<kw::mqtt::MqttClient>(io_.executor(), o);
        c->on_message([&inbox](const kw::mqtt::Message& m) { inbox.add(m); });
        c->start();
        return c;
    }

    Mosquitto broker_;
    IoThread io_;
    Inbox inbox_;
    std::unique_ptr<kw::mqtt::MqttClient> server_;
    std::unique_ptr<DynsecAccounts> accounts_;
};

TEST_F(DynsecTest, ChargerAccountIsConfinedToItsOwnTopicsAndServerReadsThemThroughASharedSubscription) {
    ASSERT_TRUE(eventually([&] { return server_->connected(); }));
    EXPECT_TRUE(accounts_->setup(broker_.admin_user()));   // the admin account had no kw-server role yet
    EXPECT_FALSE(accounts_->setup(broker_.admin_user()));  // idempotent
    server_->subscribe("$share/kilowatt/kw/v1/+/heartbeat", 1);

    accounts_->upsert_charger("CP-1", "first-Passw0rd");
    accounts_->upsert_charger("CP-2", "other-Passw0rd");
    accounts_->upsert_charger("CP-1", "second-Passw0rd");  // existing account: new password

    EXPECT_EQ(SyncClient(broker_.port(), "CP-1", "CP-1", "first-Passw0rd").connack(),
              std::optional<int>(135));
    EXPECT_EQ(SyncClient(broker_.port(), "someone-else", "CP-1", "second-Passw0rd").connack(),
              std::optional<int>(135))
        << "the client id is bound to the code";
    {
        SyncClient c(broker_.port(), "CP-1", "CP-1", "second-Passw0rd");
        ASSERT_EQ(c.connack(), std::optional<int>(0));
        EXPECT_LT(c.publish_qos1("kw/v1/CP-1/status", "{}").value_or(255), 0x80);
        EXPECT_GE(c.publish_qos1("kw/v1/CP-2/heartbeat", "{}").value_or(0), 0x80);
        EXPECT_GE(c.publish_qos1("kw/v1/CP-1x/heartbeat", "{}").value_or(0), 0x80);
        EXPECT_EQ(c.subscribe("kw/v1/CP-1/cmd"), std::optional<int>(1));
        EXPECT_EQ(c.subscribe("kw/v1/CP-2/cmd"), std::optional<int>(0x87));
        EXPECT_EQ(c.subscribe("kw/v1/+/cmd"), std::optional<int>(0x87));
        EXPECT_EQ(c.subscribe("kw/v1/CP-1/#"), std::optional<int>(0x87));
    }

    // Through the real client: heartbeats reach the server's shared subscription; a foreign topic never does.
    Inbox charger_inbox;
    auto cp1 = charger("CP-1", "second-Passw0rd", charger_inbox);
    cp1->subscribe("kw/v1/CP-1/cmd", 1);
    cp1->subscribe("kw/v1/CP-2/cmd", 1);
    ASSERT_TRUE(eventually([&] { return cp1->connected(); }));
    cp1->publish("kw/v1/CP-2/heartbeat", "{}", 1);
    ASSERT_TRUE(eventually(
        [&] {
            cp1->publish("kw/v1/CP-1/heartbeat", "{}", 0);
            return inbox_.count("kw/v1/CP-1/heartbeat") > 0;
        },
        10s, 100ms));
    EXPECT_EQ(inbox_.count("kw/v1/CP-2/heartbeat"), 0u);

    // Commands: the charger receives its own and not another charger's.
    server_->publish("kw/v1/CP-2/cmd", "{\"cmd\":\"x\"}", 1);
    ASSERT_TRUE(eventually(
        [&] {
            server_->publish("kw/v1/CP-1/cmd", "{\"cmd\":\"y\"}", 0);
            return charger_inbox.count("kw/v1/CP-1/cmd") > 0;
        },
        10s, 100ms));
    EXPECT_EQ(charger_inbox.count("kw/v1/CP-2/cmd"), 0u);

    accounts_->remove_charger("CP-1");
    EXPECT_TRUE(eventually([&] { return !cp1->connected(); })) << "deleting the client disconnects it";
    EXPECT_EQ(SyncClient(broker_.port(), "CP-1", "CP-1", "second-Passw0rd").connack(),
              std::optional<int>(135));
    accounts_->remove_charger("CP-1");  // already gone: fine
    EXPECT_EQ(SyncClient(broker_.port(), "CP-2", "CP-2", "other-Passw0rd").connack(), std::optional<int>(0));
}

TEST_F(DynsecTest, TheOcppEdgeAccountMayOnlyAnnounceWaitingStationsAndHearApprovals) {
    ASSERT_TRUE(eventually([&] { return server_->connected(); }));
    accounts_->setup(broker_.admin_user());
    accounts_->setup_edge("kw-ocpp-edge", "edge-Passw0rd-0123");
    accounts_->setup_edge("kw-ocpp-edge", "edge-Passw0rd-4567");  // idempotent; the new password wins
    EXPECT_EQ(SyncClient(broker_.port(), "kw-ocpp-edge-a", "kw-ocpp-edge", "edge-Passw0rd-0123").connack(),
              std::optional<int>(135));
    SyncClient edge(broker_.port(), "kw-ocpp-edge-a", "kw-ocpp-edge", "edge-Passw0rd-4567");
    ASSERT_EQ(edge.connack(), std::optional<int>(0)) << "any client id: several edges share the account";
    EXPECT_LT(edge.publish_qos1("kw/v1/NEW-1/pending", "{}").value_or(255), 0x80);
    EXPECT_GE(edge.publish_qos1("kw/v1/CP-1/tx", "{}").value_or(0), 0x80) << "never as a charger";
    EXPECT_GE(edge.publish_qos1("kw/v1/CP-1/state", "{}").value_or(0), 0x80);
    EXPECT_GE(edge.publish_qos1("kw/edge/approval/NEW-1", "{}").value_or(0), 0x80);
    EXPECT_EQ(edge.subscribe("kw/edge/approval/+"), std::optional<int>(1));
    EXPECT_EQ(edge.subscribe("kw/v1/+/cmd"), std::optional<int>(0x87)) << "no charger's commands";
    EXPECT_EQ(edge.subscribe("kw/#"), std::optional<int>(0x87));
}

TEST_F(DynsecTest, CommandsWhileDisconnectedAreUnavailable) {
    ASSERT_TRUE(eventually([&] { return server_->connected(); }));
    accounts_->setup(broker_.admin_user());
    broker_.stop();
    ASSERT_TRUE(eventually([&] { return !server_->connected(); }));
    try {
        accounts_->upsert_charger("CP-9", "Passw0rd-9");
        FAIL() << "no error without a broker";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
    }
}

TEST_F(DynsecTest, UnansweredCommandTimesOutAsUnavailable) {
    // An account the plugin does not answer: it may not publish on the control topic at all.
    broker_.create_client("plain", "plain-Passw0rd", {{"subscribePattern", "kw/#"}});
    kw::mqtt::Options o;
    o.port = broker_.port();
    o.client_id = "plain";
    o.username = "plain";
    o.password = "plain-Passw0rd";
    kw::mqtt::MqttClient plain(io_.executor(), o);
    DynsecAccounts accounts(plain, 300ms);
    plain.on_message([&](const kw::mqtt::Message& m) { accounts.on_response(m); });
    plain.start();
    ASSERT_TRUE(eventually([&] { return plain.connected(); }));
    auto started = std::chrono::steady_clock::now();
    try {
        accounts.upsert_charger("CP-9", "Passw0rd-9");
        FAIL() << "a command nobody answered succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(DynsecTest, SetupWithAnUnknownServerAccountFails) {
    ASSERT_TRUE(eventually([&] { return server_->connected(); }));
    try {
        accounts_->setup("no-such-user");
        FAIL() << "setup with an unknown server account succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.errc(), Errc::unavailable);
        EXPECT_NE(std::string(e.what()).find("no-such-user"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace kw::device::mqtt
