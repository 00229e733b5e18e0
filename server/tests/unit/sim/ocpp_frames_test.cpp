#include "ocpp_frames.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace kw::sim::ocpp {
namespace {

namespace json = boost::json;

TEST(OcppFrames, ACallIsParsedIntoIdActionAndPayload) {
    auto f = parse_frame(R"([2,"19223201","RemoteStartTransaction",{"connectorId":1,"idTag":"KW-O42"}])");
    auto& call = std::get<Call>(std::get<Frame>(f));
    EXPECT_EQ(call.id, "19223201");
    EXPECT_EQ(call.action, "RemoteStartTransaction");
    EXPECT_EQ(call.payload.at("idTag").as_string(), "KW-O42");
}

TEST(OcppFrames, ResultAndErrorAreParsed) {
    auto r = std::get<CallResult>(std::get<Frame>(parse_frame(R"([3,"7",{"status":"Accepted"}])")));
    EXPECT_EQ(r.id, "7");
    auto e =
        std::get<CallError>(std::get<Frame>(parse_frame(R"([4,"8","InternalError","not stored yet",{}])")));
    EXPECT_EQ(e.code, "InternalError");
    EXPECT_EQ(e.description, "not stored yet");
}

TEST(OcppFrames, ACallWithABadPayloadIsAnsweredFormationViolationWithItsId) {
    auto bad = std::get<BadFrame>(parse_frame(R"([2,"5","Reset","Hard"])"));
    EXPECT_EQ(bad.id, "5");
    EXPECT_EQ(bad.code, "FormationViolation");
}

TEST(OcppFrames, AFrameWithoutAReadableIdIsDropped) {
    EXPECT_EQ(std::get<BadFrame>(parse_frame("not json")).id, "");
    EXPECT_EQ(std::get<BadFrame>(parse_frame(R"({"a":1})")).id, "");
    EXPECT_EQ(std::get<BadFrame>(parse_frame(R"([2,"","Heartbeat",{}])")).id, "");
    EXPECT_EQ(std::get<BadFrame>(parse_frame(R"([9,"1",{}])")).id, "");
}

TEST(OcppFrames, FormattedFramesAreOcppJArrays) {
    EXPECT_EQ(format_call("1", "Heartbeat", {}), R"([2,"1","Heartbeat",{}])");
    EXPECT_EQ(format_result("2", {{"status", "Accepted"}}), R"([3,"2",{"status":"Accepted"}])");
    EXPECT_EQ(format_error("3", "NotImplemented", "no"), R"([4,"3","NotImplemented","no",{}])");
    EXPECT_EQ(json::parse(format_error("3", "GenericError", std::string(400, 'x')))
                  .as_array()[3]
                  .as_string()
                  .size(),
              255u);
}

TEST(OcppPayload, MissingWrongTypeAndOutOfEnumFieldsAreTheirOcpp16Errors) {
    const json::object p{{"connectorId", "one"}, {"type", "Medium"}, {"idTag", std::string(21, 'x')}};
    try {
        required_int(p, "transactionId");
        FAIL();
    } catch (const PayloadError& e) {
        EXPECT_EQ(e.code(), "OccurenceConstraintViolation");
    }
    try {
        required_int(p, "connectorId");
        FAIL();
    } catch (const PayloadError& e) {
        EXPECT_EQ(e.code(), "TypeConstraintViolation");
    }
    try {
        required_enum(p, "type", {"Hard", "Soft"});
        FAIL();
    } catch (const PayloadError& e) {
        EXPECT_EQ(e.code(), "PropertyConstraintViolation");
    }
    try {
        required_string(p, "idTag", 20);
        FAIL();
    } catch (const PayloadError& e) {
        EXPECT_EQ(e.code(), "PropertyConstraintViolation");
    }
    EXPECT_EQ(optional_int(p, "absent"), std::nullopt);
}

TEST(OcppCentralSystemUrl, HostPortAndPathGiveTheStationTarget) {
    const auto u = parse_central_system_url("ws://127.0.0.1:8180/ocpp/");
    EXPECT_EQ(u.host, "127.0.0.1");
    EXPECT_EQ(u.port, "8180");
    EXPECT_EQ(u.path, "/ocpp");
    EXPECT_EQ(station_target(u, "SIM-00001"), "/ocpp/SIM-00001");
    const auto root = parse_central_system_url("ws://cs.example.com");
    EXPECT_EQ(root.port, "80");
    EXPECT_EQ(station_target(root, "A"), "/A");
    EXPECT_EQ(parse_central_system_url("ws://[::1]:9000/ocpp").host, "::1");
}

TEST(OcppCentralSystemUrl, OnlyPlainWebSocketUrlsWithoutCredentialsOrQueryAreTaken) {
    EXPECT_THROW(parse_central_system_url("wss://cs.example.com/ocpp"), std::invalid_argument);
    EXPECT_THROW(parse_central_system_url("http://cs.example.com/ocpp"), std::invalid_argument);
    EXPECT_THROW(parse_central_system_url("ws://cs.example.com/ocpp?x=1"), std::invalid_argument);
    EXPECT_THROW(parse_central_system_url("ws://u:p@cs.example.com/ocpp"), std::invalid_argument);
    EXPECT_THROW(parse_central_system_url("127.0.0.1:8180"), std::invalid_argument);
}

TEST(OcppBasicAuth, IsBase64OfCodeColonPassword) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("\xff\xfe"), "//4=");
    EXPECT_EQ(basic_authorization("SIM-00001", "secret"), "Basic U0lNLTAwMDAxOnNlY3JldA==");
}

}  // namespace
}  // namespace kw::sim::ocpp
