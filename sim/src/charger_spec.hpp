#pragma once
// Which chargers the simulator runs: read from a CSV file or generated from command-line options.
// Pure functions.
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "power_curve.hpp"

namespace kw::sim {

struct ChargerSpec {
    std::string code;
    std::string password;
    ChargerKind kind = ChargerKind::kDc;
    int connectors = 2;
    int rated_w = 60000;
};

std::string_view kind_name(ChargerKind kind);  // "AC" | "DC"
// "AC"/"DC", case-insensitive. Throws std::invalid_argument otherwise.
ChargerKind parse_kind(std::string_view text);

// 1-32 characters of A-Z a-z 0-9 _ - (docs/device-protocol.md).
bool valid_charger_code(std::string_view code);

// CSV with the header line `code,password,kind,connectors,rated_w` (columns in any order; blank
// lines and lines starting with '#' skipped). Throws std::invalid_argument naming the line on a bad
// row, an invalid or duplicate code, a connector count outside 1..16 or a rated power <= 0.
std::vector<ChargerSpec> parse_chargers_csv(std::istream& in);

struct GenerateOptions {
    int count = 1;
    int first = 1;  // number of the first code, so several processes can split a fleet
    std::string prefix = "SIM-";
    std::string password;
    std::string kind = "DC";  // AC | DC | mixed (alternating, starting with DC)
    int connectors = 2;
    int rated_w = 0;  // 0: the kind's default (AC 7000 W, DC 60000 W)
};
// Codes <prefix><first> ... zero-padded to at least 5 digits (SIM-00001). Throws std::invalid_argument on bad
// options.
std::vector<ChargerSpec> generate_chargers(const GenerateOptions& options);

// Stable 64-bit hash of the seed and a string (FNV-1a mix), for per-charger random streams.
std::uint64_t seed_for(std::uint64_t seed, std::string_view key);

}  // namespace kw::sim
