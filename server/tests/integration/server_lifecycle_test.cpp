// The server process as an operator runs it: bad config stops the start with the key named,
// SIGTERM shuts down cleanly (exit 0, MQTT DISCONNECT so no will fires for the server).
#include <gtest/gtest.h>

#include <sstream>

#include "stack.hpp"

namespace kw::test {
namespace {

int run_server(const std::vector<std::string>& args, std::string* output) {
    TempDir dir("kw-config");
    const std::string log = dir.file("out.log");
    const int rc = run_program(KW_SERVER_BIN, args, log, std::chrono::seconds(20));
    *output = read_file(log);
    return rc;
}

TEST(ServerLifecycle, BadConfigStopsTheStartNamingTheKey) {
    std::string out;
    EXPECT_EQ(run_server({"--server.port=99999"}, &out), 2);
    EXPECT_NE(out.find("server.port"), std::string::npos) << out;
    EXPECT_EQ(run_server({"--server.nonsense=1"}, &out), 2);
    EXPECT_NE(out.find("server.nonsense"), std::string::npos) << out;
    EXPECT_EQ(run_server({"--orders.start_timeout_s=soon"}, &out), 2);
    EXPECT_NE(out.find("orders.start_timeout_s"), std::string::npos) << out;
    EXPECT_EQ(run_server({"--db", "postgres://x"}, &out), 2);
    EXPECT_NE(out.find("database.url"), std::string::npos) << out;
    TempDir dir("kw-config-file");
    write_file(dir.file("bad.toml"), "[mqtt]\nprotocol = 3\n");
    EXPECT_EQ(run_server({"-c", dir.file("bad.toml")}, &out), 2);
    EXPECT_NE(out.find("mqtt.protocol"), std::string::npos) << out;
}

TEST(ServerLifecycle, SigtermExitsCleanlyAndClosesTheMqttSession) {
    Stack stack;
    ASSERT_EQ(stack.http().get("/healthz").status, 200);
    EXPECT_EQ(stack.stop_server(), 0) << stack.server_log();
    // Mosquitto logs "Client <id> disconnected." for a DISCONNECT and "closed its connection" (will
    // published) for a dropped socket; the last word about the server's client must be the first.
    std::string last;
    EXPECT_TRUE(eventually([&] {
        std::istringstream log(read_file(stack.broker().log_path()));
        for (std::string line; std::getline(log, line);)
            if (line.find("Client kilowatt-") != std::string::npos) last = line;
        return last.find(" disconnected.") != std::string::npos;
    }, std::chrono::seconds(5))) << last;
    EXPECT_NE(stack.server_log().find("event=stopped"), std::string::npos);
}

}  // namespace
}  // namespace kw::test
