// POST /api/v1/admin/chargers/import: a text/csv body with the header
// code,name,station_id,kind,connectors,rated_w (any order; an optional column protocol) and at most kMaxImportRows rows. Each row is
// checked by the single create's parse_new_charger; the service creates the good ones in batches.
// Answers {created, errors:[{row, code, message}], credentials_csv} where credentials_csv is the
// file kilowatt-sim --chargers reads (code,password,kind,connectors,rated_w): passwords shown once.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <string_view>

#include "domain/csv.hpp"
#include "domain/error.hpp"
#include "http/handlers/charger_input.hpp"
#include "http/handlers/handlers.hpp"
#include "service/charger_import.hpp"

namespace kw::http::handlers {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxImportRows = 1000;
constexpr std::array<const char*, 6> kColumns = {"code", "name", "station_id", "kind", "connectors", "rated_w"};
// Columns a header may have besides (protocol: kw-mqtt/1 when absent or empty).
constexpr std::array<const char*, 1> kOptionalColumns = {"protocol"};
// Cells that stay absent when empty, so the create defaults apply (name: the code; connectors: one).
constexpr std::array<const char*, 3> kOptional = {"name", "connectors", "protocol"};
constexpr std::array<const char*, 3> kIntegers = {"station_id", "connectors", "rated_w"};

bool listed(const auto& names, std::string_view name) {
    return std::find_if(names.begin(), names.end(), [&](std::string_view n) { return name == n; }) != names.end();
}

// The header's column names, in its order; every one of kColumns exactly once.
std::vector<std::string> read_header(const domain::CsvRecord& header) {
    std::vector<std::string> names;
    for (const std::string& cell : header.cells) {
        if (!listed(kColumns, cell) && !listed(kOptionalColumns, cell))
            throw Error(Errc::bad_request, "unknown column '" + cell + "': the header must be " +
                                               "code,name,station_id,kind,connectors,rated_w (and optionally protocol)");
        if (std::find(names.begin(), names.end(), cell) != names.end())
            throw Error(Errc::bad_request, "column '" + cell + "' is listed twice");
        names.push_back(cell);
    }
    for (const char* c : kColumns)
        if (!listed(names, c))
            throw Error(Errc::bad_request, std::string("missing column '") + c +
                                               "': the header must be code,name,station_id,kind,connectors,rated_w");
    return names;
}

// The row as the JSON body of a single create: integers as numbers when they parse (otherwise the
// text, which the create's checks refuse with their usual message).
json::object row_object(const std::vector<std::string>& names, const domain::CsvRecord& r) {
    if (r.cells.size() != names.size())
        throw Error(Errc::bad_request, "the row has " + std::to_string(r.cells.size()) + " cells, the header " +
                                           std::to_string(names.size()));
    json::object o;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& cell = r.cells[i];
        if (cell.empty() && listed(kOptional, names[i])) continue;
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), n);
        if (listed(kIntegers, names[i]) && !cell.empty() && ec == std::errc{} && end == cell.data() + cell.size())
            o[names[i]] = n;
        else
            o[names[i]] = cell;
    }
    return o;
}

}  // namespace

Response admin_chargers_import(Call& call) {
    auto records = domain::parse_csv(call.req.body, kMaxImportRows + 1);
    if (records.empty())
        throw Error(Errc::bad_request, "the CSV is empty: a header row code,name,station_id,kind,connectors,rated_w "
                                       "is required");
    const std::vector<std::string> names = read_header(records.front());
    std::vector<service::ImportInput> rows;
    std::vector<service::ImportRowError> invalid;
    for (std::size_t i = 1; i < records.size(); ++i) {
        const auto row = static_cast<std::int64_t>(i);
        try {
            rows.push_back({row, parse_new_charger(row_object(names, records[i]))});
        } catch (const Error& e) {
            invalid.push_back({row, std::string(errc_name(e.errc())), e.what()});
        }
    }
    service::ImportResult result = service::import_chargers(call.ctx, call.principal().id, rows);
    result.errors.insert(result.errors.end(), invalid.begin(), invalid.end());
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const auto& a, const auto& b) { return a.row < b.row; });
    json::array errors;
    for (const auto& e : result.errors)
        errors.push_back(json::object{{"row", e.row}, {"code", e.code}, {"message", e.message}});
    // Codes are [A-Za-z0-9_-] and passwords [A-Za-z0-9]: no cell needs quoting, as the simulator expects.
    std::string csv = "code,password,kind,connectors,rated_w\n";
    for (const auto& c : result.created)
        csv += c.charger.code + "," + c.password + "," + c.charger.kind + "," +
               std::to_string(c.charger.connectors.size()) + "," + std::to_string(c.charger.rated_w) + "\n";
    return json_response(json::object{{"created", static_cast<std::int64_t>(result.created.size())},
                                      {"errors", std::move(errors)},
                                      {"credentials_csv", std::move(csv)}});
}

}  // namespace kw::http::handlers
