#pragma once
// A CSV table as uploaded (RFC 4180): comma-separated cells, a cell in double quotes may hold commas,
// newlines and "" for a quote; CRLF or LF line ends; blank lines are skipped. Pure; any thread.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kw::domain {

struct CsvRecord {
    std::size_t line = 0;  // 1-based line where the record starts
    std::vector<std::string> cells;
};

// kw::Error(bad_request) for an unterminated quote or text after a closing quote, naming the line.
// Stops with kw::Error(payload_too_large) when there are more than max_records records.
std::vector<CsvRecord> parse_csv(std::string_view text, std::size_t max_records);

}  // namespace kw::domain
