// The layout rules of STYLE.md ("Layers point one way", "only store/ holds SQL text", "Small files")
// checked by reading server/src, so a change that breaks one fails here instead of in review:
//   sql          no SQL statement in a string literal outside store/
//   include-up   service, store, domain, live, device do not include http/ or ws/ (ws/push.hpp is the
//                push port the services publish through, not the WebSocket code: allowed)
//   include-service  store, domain, live do not include service/
//   domain-io    domain/ includes no I/O library (Boost.Asio, SOCI, hiredis, Mosquitto)
//   edge-store   http/, ws/, device/ neither include store/db.hpp, open sessions nor call store::
//                functions: they call services (store row and filter structs are plain data, allowed)
//   size         no file in server/src over 400 lines
//   order-state  an order's state is written by one statement, store::apply_event in
//                store/orders_repo.cpp, whose target comes from domain::next_state; no string-typed
//                transition( API is offered for callers to pass state literals to
//   json-writer  JSON text is written by domain/json_text alone (domain::to_json): no
//                boost::json::serialize / serializer / operator<< elsewhere, whose doubles read 1.214737E2
// The checkers are plain functions over (path, text) and are first shown to fail on bad samples.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kw {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxLines = 400;

struct Violation {
    std::string file;  // relative to server/src
    std::string rule;
    std::string detail;
};


bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

struct Scanned {
    std::string code;                   // the text with comments removed and literals emptied
    std::vector<std::string> literals;  // string literal contents; adjacent ones joined
};

// A small C++ lexer: enough to tell code from comments and literals ("SELECT a " "FROM t" is one
// literal, as the compiler sees it; 60'000 is a number, not a character literal).
Scanned scan(std::string_view s) {
    Scanned out;
    bool adjacent = false;  // only whitespace/comments since the last literal
    auto add = [&](std::string text) {
        if (adjacent && !out.literals.empty()) out.literals.back() += text;
        else out.literals.push_back(std::move(text));
        adjacent = true;
        out.code += "\"\"";
    };
    std::size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        const char next = i + 1 < s.size() ? s[i + 1] : '\0';
        if (c == '/' && next == '/') {
            i = std::min(s.size(), s.find('\n', i));
        } else if (c == '/' && next == '*') {
            const std::size_t end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
        } else if (c == 'R' && next == '"' && (i == 0 || !ident_char(s[i - 1]))) {
            const std::size_t open = s.find('(', i + 2);
            const std::string close = ")" + std::string(s.substr(i + 2, open - i - 2)) + "\"";
            const std::size_t end = s.find(close, open);
            add(std::string(s.substr(open + 1, end - open - 1)));
            i = end + close.size();
        } else if (c == '"') {
            std::size_t j = i + 1;
            while (j < s.size() && s[j] != '"') j += s[j] == '\\' ? 2 : 1;
            add(std::string(s.substr(i + 1, j - i - 1)));
            i = j + 1;
        } else if (c == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(s[i - 1])))) {
            std::size_t j = i + 1;
            while (j < s.size() && s[j] != '\'') j += s[j] == '\\' ? 2 : 1;
            out.code += "' '";
            adjacent = false;
            i = j + 1;
        } else {
            out.code += c;
            if (!std::isspace(static_cast<unsigned char>(c))) adjacent = false;
            ++i;
        }
    }
    return out;
}

bool looks_like_sql(const std::string& text) {
    static const std::regex sql(
        R"(\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|(CREATE|ALTER|DROP)\s+(TABLE|INDEX))\b)");
    return std::regex_search(text, sql);
}

// UPDATE orders SET ... state = ...: a statement that moves an order.
bool writes_order_state(const std::string& literal) {
    static const std::regex update(R"(UPDATE\s+orders\s+SET\s([\s\S]*?)\bWHERE\b)");
    static const std::regex state(R"((^|[\s,])state\s*=)");
    std::smatch m;
    return std::regex_search(literal, m, update) && std::regex_search(m[1].str(), state);
}

// {'"' or '<', path} of every #include line.
std::vector<std::pair<char, std::string>> includes(std::string_view source) {
    static const std::regex line(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
    std::vector<std::pair<char, std::string>> out;
    std::istringstream in{std::string(source)};
    for (std::string l; std::getline(in, l);) {
        std::smatch m;
        if (std::regex_search(l, m, line)) out.emplace_back(m[1].str()[0], m[2].str());
    }
    return out;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool in(const std::string& layer, std::initializer_list<std::string_view> layers) {
    return std::find(layers.begin(), layers.end(), layer) != layers.end();
}

std::size_t line_count(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
           (!text.empty() && text.back() != '\n' ? 1 : 0);
}

// Every rule applied to one file; path is relative to server/src ("service/orders.cpp").
std::vector<Violation> check_file(const std::string& path, std::string_view text) {
    std::vector<Violation> out;
    const std::string layer = path.substr(0, path.find('/') == std::string::npos ? 0 : path.find('/'));
    if (line_count(text) > kMaxLines)
        out.push_back({path, "size", std::to_string(line_count(text)) + " lines (at most 400)"});
    const bool source = path.ends_with(".cpp") || path.ends_with(".hpp");
    if (!source) return out;
    const Scanned scanned = scan(text);
    if (layer != "store")
        for (const auto& literal : scanned.literals)
            if (looks_like_sql(literal)) out.push_back({path, "sql", "\"" + literal.substr(0, 60) + "\""});
    for (const auto& literal : scanned.literals)
        if (writes_order_state(literal) && path != "store/orders_repo.cpp")
            out.push_back({path, "order-state", "\"" + literal.substr(0, 60) + "\""});
    if (layer == "store" && scanned.code.find("transition(") != std::string::npos)
        out.push_back({path, "order-state", "a string-typed transition( API"});
    for (const auto& [delimiter, included] : includes(text)) {
        if (in(layer, {"service", "store", "domain", "live", "device"}) && delimiter == '"' &&
            (starts_with(included, "http/") || (starts_with(included, "ws/") && included != "ws/push.hpp")))
            out.push_back({path, "include-up", included});
        if (in(layer, {"store", "domain", "live"}) && starts_with(included, "service/"))
            out.push_back({path, "include-service", included});
        if (layer == "domain" && (starts_with(included, "boost/asio") || starts_with(included, "soci") ||
                                  starts_with(included, "hiredis") || starts_with(included, "mosquitto")))
            out.push_back({path, "domain-io", included});
        if (in(layer, {"http", "ws", "device"}) && included == "store/db.hpp")
            out.push_back({path, "edge-store", included});
    }
    if (path != "domain/json_text.cpp") {
        static const std::regex other_writer(R"(\bjson::(serialize\s*\(|serializer\b)|<<\s*boost::json::)");
        std::smatch m;
        if (std::regex_search(scanned.code, m, other_writer)) out.push_back({path, "json-writer", m.str()});
    }
    if (in(layer, {"http", "ws", "device"})) {
        static const std::regex store_call(R"(\bstore::[a-z_][a-z0-9_]*\s*\(|\.db\.session\s*\()");
        std::smatch m;
        if (std::regex_search(scanned.code, m, store_call)) out.push_back({path, "edge-store", m.str()});
    }
    return out;
}

bool has(const std::vector<Violation>& v, const std::string& rule) {
    return std::any_of(v.begin(), v.end(), [&](const Violation& x) { return x.rule == rule; });
}

std::vector<Violation> check_tree() {
    const fs::path root = fs::path(KW_SOURCE_DIR) / "server" / "src";
    std::vector<Violation> out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        auto found = check_file(fs::relative(entry.path(), root).generic_string(), ss.str());
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

TEST(LayoutCheck, FindsSqlEvenSplitAcrossAdjacentLiterals) {
    const std::string bad = "auto q = \"SELECT id, code \"\n    \"FROM chargers WHERE id = :id\";\n";
    EXPECT_TRUE(has(check_file("service/chargers.cpp", bad), "sql"));
    EXPECT_TRUE(has(check_file("device/mqtt/fault.cpp", "sql << \"UPDATE alarms SET cleared_at = :t\";"), "sql"));
    EXPECT_FALSE(has(check_file("store/chargers_repo.cpp", bad), "sql"));
}

TEST(LayoutCheck, IgnoresSqlWordsThatAreNotStatements) {
    const std::string fine =
        "// SELECT x FROM y in a comment\n"
        "r.method = \"DELETE\"; redis({\"SELECT\", db}); int n = 60'000; char c = '\"';\n"
        "auto m = \"select a station from the list\";\n";
    EXPECT_TRUE(check_file("http/router.cpp", fine).empty());
}

TEST(LayoutCheck, RefusesIncludesThatPointUpTheLayers) {
    EXPECT_TRUE(has(check_file("service/a.cpp", "#include \"http/request.hpp\"\n"), "include-up"));
    EXPECT_TRUE(has(check_file("device/mqtt/a.cpp", "#include \"ws/hub.hpp\"\n"), "include-up"));
    EXPECT_TRUE(has(check_file("store/a.cpp", "#include \"service/account_rules.hpp\"\n"), "include-service"));
    EXPECT_TRUE(has(check_file("live/a.cpp", "#include \"service/a.hpp\"\n"), "include-service"));
    EXPECT_FALSE(has(check_file("service/a.cpp", "#include \"ws/push.hpp\"\n"), "include-up"));
    EXPECT_TRUE(check_file("http/handlers/a.cpp", "#include \"service/stations.hpp\"\n").empty());
    EXPECT_TRUE(check_file("service/a.cpp", "#include \"store/stations_repo.hpp\"\n").empty());
}

TEST(LayoutCheck, RefusesIoLibrariesInTheDomain) {
    const std::string bad =
        "#include <boost/asio/io_context.hpp>\n#include <soci/soci.h>\n#include <hiredis/hiredis.h>\n"
        "#include <mosquitto.h>\n#include <boost/json.hpp>\n";
    auto v = check_file("domain/a.cpp", bad);
    EXPECT_EQ(std::count_if(v.begin(), v.end(), [](const Violation& x) { return x.rule == "domain-io"; }), 4);
    EXPECT_FALSE(has(check_file("store/a.cpp", bad), "domain-io"));
}

TEST(LayoutCheck, RefusesEdgesThatUseTheStoreDirectly) {
    EXPECT_TRUE(has(check_file("http/handlers/a.cpp", "#include \"store/db.hpp\"\n"), "edge-store"));
    EXPECT_TRUE(has(check_file("http/handlers/a.cpp", "auto r = store::find_charger(*s, id);"), "edge-store"));
    EXPECT_TRUE(has(check_file("ws/a.cpp", "auto s = call.ctx.db.session();"), "edge-store"));
    EXPECT_FALSE(has(check_file("http/handlers/a.cpp", "store::ChargerFilter f; store::ChargerRow r;"),
                     "edge-store"));
    EXPECT_FALSE(has(check_file("service/a.cpp", "auto r = store::find_charger(*s, id);"), "edge-store"));
}

TEST(LayoutCheck, RefusesFilesOverFourHundredLines) {
    std::string text;
    for (std::size_t i = 0; i < kMaxLines; ++i) text += "int x" + std::to_string(i) + ";\n";
    EXPECT_FALSE(has(check_file("service/a.cpp", text), "size"));
    text += "int one_more;\n";
    EXPECT_TRUE(has(check_file("service/a.cpp", text), "size"));
    EXPECT_TRUE(has(check_file("store/migrations/009_x.sql", text), "size"));
}

TEST(LayoutCheck, RefusesOrderStateWritesOutsideApplyEvent) {
    const std::string write = "sql << \"UPDATE orders SET state = :to, stop_reason = :r WHERE id = :id\";";
    EXPECT_TRUE(has(check_file("service/orders.cpp", write), "order-state"));
    EXPECT_TRUE(has(check_file("store/wallet_repo.cpp", write), "order-state"));
    EXPECT_FALSE(has(check_file("store/orders_repo.cpp", write), "order-state"));
    EXPECT_FALSE(has(check_file("store/wallet_repo.cpp", "\"UPDATE orders SET paid_fen = :p WHERE id = :id\""),
                     "order-state"));
    EXPECT_TRUE(has(check_file("store/orders_repo.hpp", "bool transition(session& s, std::string to);"),
                    "order-state"));
}

TEST(LayoutCheck, RefusesJsonWritersOtherThanTheOneInDomain) {
    EXPECT_TRUE(has(check_file("http/json_body.cpp", "r.body = boost::json::serialize(body);"), "json-writer"));
    EXPECT_TRUE(has(check_file("ws/a.cpp", "return json::serialize(o);"), "json-writer"));
    EXPECT_TRUE(has(check_file("service/a.cpp", "boost::json::serializer sr;"), "json-writer"));
    EXPECT_FALSE(has(check_file("service/a.cpp", "// not boost::json::serialize(x)\nauto t = domain::to_json(v);"),
                     "json-writer"));
    EXPECT_FALSE(has(check_file("domain/json_text.cpp", "return json::serialize(o);"), "json-writer"));
}

// The one statement that moves an order asks the state machine for its target.
TEST(Layout, ApplyEventIsTheOneOrderStateWriteAndAsksTheStateMachine) {
    std::ifstream in(fs::path(KW_SOURCE_DIR) / "server" / "src" / "store" / "orders_repo.cpp");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const Scanned scanned = scan(text);
    EXPECT_EQ(std::count_if(scanned.literals.begin(), scanned.literals.end(), writes_order_state), 1);
    const auto start = text.find("apply_event(");
    ASSERT_NE(start, std::string::npos);
    const auto body = text.substr(start, text.find("\n}\n", start) - start);
    EXPECT_NE(body.find("domain::next_state(from, event)"), std::string::npos);
}

TEST(Layout, ServerSourcesFollowTheLayers) {
    for (const Violation& v : check_tree()) {
        ADD_FAILURE() << v.file << ": " << v.rule << ": " << v.detail;
    }
}


}  // namespace
}  // namespace kw
