// docs/operations.md cannot drift from the code: its configuration reference table lists every key
// of kw::app::config_keys() with the real default, and no key that does not exist. The example
// config in deploy/ stays loadable.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.hpp"

namespace kw::app {
namespace {

const std::string kDocPath = std::string(KW_SOURCE_DIR) + "/docs/operations.md";

std::string read_doc() {
    std::ifstream in(kDocPath);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::string kReferenceHeading = "## Configuration reference";

// The reference section's table rows, "| `section.key` | `default` | meaning |": key -> whole row.
std::map<std::string, std::string> reference_rows(const std::string& doc) {
    static const std::regex row(R"(^\|\s*`([a-z0-9_]+\.[a-z0-9_]+)`\s*\|.*$)");
    std::map<std::string, std::string> rows;
    std::istringstream lines(doc);
    bool inside = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("## ", 0) == 0) inside = line.rfind(kReferenceHeading, 0) == 0;
        std::smatch m;
        if (inside && std::regex_match(line, m, row)) rows[m[1]] = line;
    }
    return rows;
}

// The second cell of a table row, trimmed.
std::string default_cell(const std::string& row) {
    std::size_t first = row.find('|', 1);
    std::size_t second = row.find('|', first + 1);
    if (first == std::string::npos || second == std::string::npos) return {};
    std::string cell = row.substr(first + 1, second - first - 1);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    return cell;
}

TEST(ConfigDocs, OperationsGuideHasTheReferenceSection) {
    const std::string doc = read_doc();
    ASSERT_FALSE(doc.empty()) << kDocPath << " is missing or empty";
    EXPECT_NE(doc.find("\n" + kReferenceHeading), std::string::npos) << kDocPath << " lacks " << kReferenceHeading;
}

TEST(ConfigDocs, EveryKeyIsDocumentedWithItsDefault) {
    const auto rows = reference_rows(read_doc());
    for (const auto& [key, value] : config_keys(Config{})) {
        auto it = rows.find(key);
        if (it == rows.end()) {
            ADD_FAILURE() << "config key " << key << " has no row \"| `" << key << "` | ... |\" in " << kDocPath;
            continue;
        }
        const std::string expected = value.empty() ? "(empty)" : "`" + value + "`";
        EXPECT_EQ(default_cell(it->second), expected) << "default of " << key << " in " << kDocPath;
    }
}

TEST(ConfigDocs, EveryDocumentedKeyExists) {
    std::set<std::string> known;
    for (const auto& [key, value] : config_keys(Config{})) known.insert(key);
    for (const auto& [key, row] : reference_rows(read_doc()))
        EXPECT_TRUE(known.count(key)) << kDocPath << " documents " << key << ", which is not a config key";
}

// The production example in deploy/ must start: every key in it exists and every value is valid.
// The example loads as systemd runs it: the TOML plus the secrets from kilowatt.env.example in the
// environment (no secret in the TOML itself).
TEST(ConfigDocs, DeployExampleConfigLoadsWithItsEnvironmentFile) {
    const std::string path = std::string(KW_SOURCE_DIR) + "/deploy/kilowatt.toml";
    std::ifstream env_file(std::string(KW_SOURCE_DIR) + "/deploy/systemd/kilowatt.env.example");
    ASSERT_TRUE(env_file.good());
    std::vector<std::string> entries;
    for (std::string line; std::getline(env_file, line);)
        if (line.rfind("KW_", 0) == 0) entries.push_back(line);
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    Config c;
    EXPECT_NO_THROW(c = load_config(path, {}, envp.data())) << path;
    EXPECT_EQ(c.database.url.rfind("mysql://", 0), 0u) << "the example should show MariaDB";
    EXPECT_FALSE(c.payments.sandbox) << "the example should turn the sandbox payments off";
    EXPECT_FALSE(c.sms.sandbox);
    std::ifstream toml(path);
    std::stringstream text;
    text << toml.rdbuf();
    EXPECT_EQ(text.str().find("password ="), std::string::npos) << "no password in the TOML example";
}

}  // namespace
}  // namespace kw::app
