// The layering rules of STYLE.md that the build alone does not enforce, checked on the source:
// device adapters only parse and format (no SQL, no HTTP helpers), SQL text lives in store/, and
// an order's state changes only through store::apply_event (domain::next_state decides the target).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path kSrc = fs::path(KW_SOURCE_DIR) / "server" / "src";

struct SourceFile {
    fs::path path;  // relative to server/src
    std::string text;
};

std::vector<SourceFile> sources(const fs::path& under) {
    std::vector<SourceFile> out;
    for (const auto& entry : fs::recursive_directory_iterator(kSrc / under)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
        std::ifstream in(entry.path());
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back({fs::relative(entry.path(), kSrc), ss.str()});
    }
    return out;
}

// C++ string literals split over lines ("UPDATE orders " "SET ...") joined into one.
std::string joined_literals(const std::string& text) {
    return std::regex_replace(text, std::regex("\"\\s*\\n\\s*\""), "");
}

bool under(const fs::path& p, const std::string& dir) { return p.begin()->string() == dir; }

TEST(Layering, DeviceAdaptersHoldNoSqlAndNoHttpHelpers) {
    const std::regex forbidden(R"(#include\s*[<"](http/|store/|soci/))");
    const std::regex sql(R"(\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s+[a-z_]+)");
    const auto files = sources("device");
    ASSERT_FALSE(files.empty());
    for (const auto& f : files) {
        EXPECT_FALSE(std::regex_search(f.text, forbidden)) << f.path << " includes http/, store/ or soci";
        EXPECT_FALSE(std::regex_search(f.text, sql)) << f.path << " holds SQL text";
    }
}

TEST(Layering, ChargingServicesHoldNoSqlText) {
    const std::regex sql(R"(\b(SELECT .* FROM|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b)");
    for (const auto& f : sources("service")) {
        const std::string name = f.path.filename().string();
        if (name.rfind("orders", 0) != 0 && name.rfind("running", 0) != 0 && name.rfind("sweeper", 0) != 0 &&
            name.rfind("charger_", 0) != 0 && name.rfind("tariff_cache", 0) != 0)
            continue;
        EXPECT_FALSE(std::regex_search(joined_literals(f.text), sql)) << f.path << " holds SQL text";
    }
}

TEST(Layering, OnlyApplyEventWritesAnOrdersState) {
    // Every UPDATE of orders whose SET list names state, anywhere in server/src.
    const std::regex update(R"(UPDATE orders SET ([^"]*?)WHERE)");
    int writers = 0;
    for (const auto& f : sources(".")) {
        const std::string text = joined_literals(f.text);
        for (auto it = std::sregex_iterator(text.begin(), text.end(), update); it != std::sregex_iterator(); ++it) {
            const std::string set_list = (*it)[1];
            if (!std::regex_search(set_list, std::regex(R"((^|[ ,])state\s*=)"))) continue;
            EXPECT_EQ(f.path, fs::path("store") / "orders_repo.cpp") << "an order state is written outside the store";
            ++writers;
        }
    }
    EXPECT_EQ(writers, 1) << "store::apply_event must be the one statement that changes an order's state";
    // And no string-typed transition API remains for callers to pass state literals to.
    for (const auto& f : sources("store"))
        EXPECT_EQ(f.text.find("transition("), std::string::npos) << f.path << " offers a string-typed transition";
}

TEST(Layering, ApplyEventTakesItsTargetFromTheStateMachine) {
    std::ifstream in(kSrc / "store" / "orders_repo.cpp");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const auto start = text.find("apply_event(");
    ASSERT_NE(start, std::string::npos);
    const auto body = text.substr(start, text.find("\n}\n", start) - start);
    EXPECT_NE(body.find("domain::next_state(from, event)"), std::string::npos);
}

}  // namespace
