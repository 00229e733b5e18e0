#include "charger_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <unordered_set>

namespace kw::sim {

std::string_view kind_name(ChargerKind kind) { return kind == ChargerKind::kAc ? "AC" : "DC"; }

ChargerKind parse_kind(std::string_view text) {
    std::string up(text);
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
    if (up == "AC") return ChargerKind::kAc;
    if (up == "DC") return ChargerKind::kDc;
    throw std::invalid_argument(fmt::format("kind '{}' is not AC or DC", text));
}

bool valid_charger_code(std::string_view code) {
    if (code.empty() || code.size() > 32) return false;
    return std::all_of(code.begin(), code.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; });
}

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto comma = line.find(',', start);
        out.push_back(trim(std::string_view(line).substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

int parse_int(const std::string& s, std::string_view what, int line_no) {
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        throw std::invalid_argument(fmt::format("line {}: {} '{}' is not an integer", line_no, what, s));
    return v;
}

int default_rated(ChargerKind kind) { return kind == ChargerKind::kAc ? 7000 : 60000; }

}  // namespace

std::vector<ChargerSpec> parse_chargers_csv(std::istream& in) {
    std::vector<ChargerSpec> out;
    std::unordered_set<std::string> seen;
    std::string line;
    int line_no = 0;
    int col_code = -1, col_password = -1, col_kind = -1, col_connectors = -1, col_rated = -1;
    bool header = false;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string t = trim(line);
        if (t.empty() || t.front() == '#') continue;
        const auto cells = split_csv_line(t);
        if (!header) {
            for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
                const auto& c = cells[i];
                if (c == "code")
                    col_code = i;
                else if (c == "password")
                    col_password = i;
                else if (c == "kind")
                    col_kind = i;
                else if (c == "connectors")
                    col_connectors = i;
                else if (c == "rated_w")
                    col_rated = i;
            }
            if (col_code < 0 || col_password < 0 || col_kind < 0 || col_connectors < 0 || col_rated < 0)
                throw std::invalid_argument(
                    fmt::format("line {}: header must be code,password,kind,connectors,rated_w", line_no));
            header = true;
            continue;
        }
        const int need = std::max({col_code, col_password, col_kind, col_connectors, col_rated}) + 1;
        if (static_cast<int>(cells.size()) < need)
            throw std::invalid_argument(fmt::format("line {}: expected {} columns", line_no, need));
        ChargerSpec s;
        s.code = cells[col_code];
        if (!valid_charger_code(s.code))
            throw std::invalid_argument(fmt::format("line {}: invalid charger code '{}'", line_no, s.code));
        if (!seen.insert(s.code).second)
            throw std::invalid_argument(fmt::format("line {}: duplicate charger code '{}'", line_no, s.code));
        s.password = cells[col_password];
        try {
            s.kind = parse_kind(cells[col_kind]);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(fmt::format("line {}: {}", line_no, e.what()));
        }
        s.connectors = parse_int(cells[col_connectors], "connectors", line_no);
        if (s.connectors < 1 || s.connectors > 16)
            throw std::invalid_argument(fmt::format("line {}: connectors must be 1..16", line_no));
        s.rated_w = cells[col_rated].empty() ? default_rated(s.kind)
                                             : parse_int(cells[col_rated], "rated_w", line_no);
        if (s.rated_w <= 0) throw std::invalid_argument(fmt::format("line {}: rated_w must be > 0", line_no));
        out.push_back(std::move(s));
    }
    if (!header) throw std::invalid_argument("charger CSV is empty (no header line)");
    return out;
}

std::vector<ChargerSpec> generate_chargers(const GenerateOptions& o) {
    if (o.count < 0) throw std::invalid_argument("--count must be >= 0");
    if (o.first < 0) throw std::invalid_argument("--first must be >= 0");
    if (o.connectors < 1 || o.connectors > 16) throw std::invalid_argument("--connectors must be 1..16");
    if (o.rated_w < 0) throw std::invalid_argument("--rated-w must be > 0");
    std::string kind = o.kind;
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
    if (kind != "ac" && kind != "dc" && kind != "mixed")
        throw std::invalid_argument("--kind must be AC, DC or mixed");
    std::vector<ChargerSpec> out;
    out.reserve(static_cast<std::size_t>(o.count));
    for (int i = o.first; i < o.first + o.count; ++i) {
        ChargerSpec s;
        s.code = fmt::format("{}{:05d}", o.prefix, i);
        if (!valid_charger_code(s.code))
            throw std::invalid_argument(fmt::format("generated code '{}' is invalid (prefix?)", s.code));
        s.password = o.password;
        if (kind == "mixed")
            s.kind = (i % 2 == 1) ? ChargerKind::kDc : ChargerKind::kAc;
        else
            s.kind = kind == "ac" ? ChargerKind::kAc : ChargerKind::kDc;
        s.connectors = o.connectors;
        s.rated_w = o.rated_w > 0 ? o.rated_w : default_rated(s.kind);
        out.push_back(std::move(s));
    }
    return out;
}

std::uint64_t seed_for(std::uint64_t seed, std::string_view key) {
    std::uint64_t h = 1469598103934665603ULL ^ (seed * 0x9E3779B97F4A7C15ULL);
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    // splitmix64 finaliser so neighbouring codes give unrelated streams
    h += 0x9E3779B97F4A7C15ULL;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    return h ^ (h >> 31);
}

}  // namespace kw::sim
