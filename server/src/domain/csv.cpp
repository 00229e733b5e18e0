#include "domain/csv.hpp"

#include "domain/error.hpp"

namespace kw::domain {

namespace {

bool blank(const CsvRecord& r) { return r.cells.size() == 1 && r.cells[0].empty(); }

}  // namespace

std::vector<CsvRecord> parse_csv(std::string_view text, std::size_t max_records) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // the BOM spreadsheets write
    std::vector<CsvRecord> out;
    CsvRecord rec{1, {std::string()}};
    std::size_t line = 1;
    auto finish = [&] {
        if (!blank(rec)) {
            if (out.size() == max_records)
                throw Error(Errc::payload_too_large,
                            "the CSV has more than " + std::to_string(max_records) + " lines (header included)");
            out.push_back(std::move(rec));
        }
        rec = CsvRecord{line, {std::string()}};
    };
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '"' && rec.cells.back().empty()) {
            const std::size_t opened = line;
            ++i;
            while (true) {
                if (i >= text.size())
                    throw Error(Errc::bad_request, "CSV line " + std::to_string(opened) + ": a quote is not closed");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        rec.cells.back() += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                if (text[i] == '\n') ++line;
                rec.cells.back() += text[i++];
            }
            if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
                throw Error(Errc::bad_request, "CSV line " + std::to_string(line) + ": text after a closing quote");
            continue;
        }
        ++i;
        if (c == ',') {
            rec.cells.emplace_back();
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i < text.size() && text[i] == '\n') ++i;
            ++line;
            finish();
        } else {
            rec.cells.back() += c;
        }
    }
    finish();
    return out;
}

}  // namespace kw::domain
