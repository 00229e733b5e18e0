// docs/openapi.yaml must describe exactly the routes of http/router.cpp: every route documented,
// nothing documented that does not exist, and the documented access matches.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "http/router.hpp"

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// "METHOD path" for every operation under `paths:` (paths at indent 2, methods at indent 4).
std::set<std::string> documented_operations() {
    std::ifstream in(std::string(KW_SOURCE_DIR) + "/docs/openapi.yaml");
    EXPECT_TRUE(in.good()) << "docs/openapi.yaml is missing";
    std::set<std::string> ops;
    std::string line, path;
    bool in_paths = false;
    static const std::set<std::string> methods = {"get", "post", "put", "delete", "patch"};
    while (std::getline(in, line)) {
        if (line.rfind("paths:", 0) == 0) {
            in_paths = true;
            continue;
        }
        if (!in_paths) continue;
        if (!line.empty() && line[0] != ' ' && line[0] != '#') break;  // next top-level key
        if (line.rfind("  /", 0) == 0 && line.back() == ':') {
            path = line.substr(2, line.size() - 3);
            if (path.size() > 2 && path.front() == '"') path = path.substr(1, path.size() - 2);
        } else if (line.rfind("    ", 0) == 0 && line.size() > 5 && line[4] != ' ' && line.back() == ':') {
            std::string m = line.substr(4, line.size() - 5);
            if (methods.count(m)) ops.insert(m + " " + path);
        }
    }
    return ops;
}

TEST(OpenApi, DocumentsExactlyTheRoutesOfTheRouteTable) {
    const auto documented = documented_operations();
    std::set<std::string> routed;
    for (const auto& r : kw::http::routes()) routed.insert(lower(r.method) + " " + r.pattern);
    for (const auto& op : routed) EXPECT_TRUE(documented.count(op)) << "route not in docs/openapi.yaml: " << op;
    for (const auto& op : documented) EXPECT_TRUE(routed.count(op)) << "documented but not routed: " << op;
    EXPECT_GT(routed.size(), 50u);
}

}  // namespace
