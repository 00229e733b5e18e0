#pragma once
// Shared bits of the bench load tools: "--key value" arguments and a monotonic clock. No library
// beyond the standard one, so a tool links it without libmosquitto or Beast.
#include <chrono>
#include <map>
#include <string>

namespace kw::bench {

// "--key value" pairs; a flag without a value gets "1".
std::map<std::string, std::string> parse_args(int argc, char** argv);
std::string arg(const std::map<std::string, std::string>& args, const std::string& key, const std::string& fallback);

inline double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace kw::bench
