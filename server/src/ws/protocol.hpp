#pragma once
// The WebSocket client protocol, without any I/O: parses what a client sends and formats what the
// server answers. The session (http/ws_session.cpp) does the socket work and the Hub calls.
//   client -> server  {"op":"subscribe","channel":"order:7"}  {"op":"unsubscribe","channel":...}
//                     {"op":"ping"}
//   server -> client  {"op":"subscribed","channel":...}  {"op":"unsubscribed","channel":...}
//                     {"op":"pong"}  {"op":"error","channel":...,"code":"forbidden","message":...}
//                     and hub messages {"channel":...,"event":...,"data":{...}}
// Pure functions; any thread.
#include <cstddef>
#include <string>
#include <string_view>

namespace kw::ws {

inline constexpr std::size_t kMaxSubscriptions = 64;      // per connection
inline constexpr std::size_t kMaxIncomingMessage = 4096;  // bytes; larger closes with 1009
inline constexpr std::size_t kMaxChannelLength = 128;

struct ClientOp {
    enum class Kind { subscribe, unsubscribe, ping, invalid };
    Kind kind = Kind::invalid;
    std::string channel;  // subscribe/unsubscribe; for invalid, the channel if one could be read
    std::string error;    // invalid: why, for the error message
};

ClientOp parse_client_message(std::string_view text);

std::string subscribed_message(const std::string& channel);
std::string unsubscribed_message(const std::string& channel);
std::string pong_message();
// channel may be empty (then it is left out).
std::string error_message(const std::string& channel, std::string_view code, std::string_view message);

}  // namespace kw::ws
