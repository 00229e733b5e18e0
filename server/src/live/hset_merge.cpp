#include "live/hset_merge.hpp"

#include <unordered_map>
#include <utility>

namespace kw::live {

namespace {

bool is_hset(const std::vector<std::string>& c) { return c.size() >= 4 && c.size() % 2 == 0 && c[0] == "HSET"; }

// Sets `field` to `value` in the HSET `into`. Fields are looked for at `hint` first: HSETs of the
// same kind list their fields in the same order.
void set_field(std::vector<std::string>& into, std::size_t hint, std::string& field, std::string& value) {
    if (hint + 1 < into.size() && into[hint] == field) {
        into[hint + 1] = std::move(value);
        return;
    }
    for (std::size_t i = 2; i + 1 < into.size(); i += 2)
        if (into[i] == field) {
            into[i + 1] = std::move(value);
            return;
        }
    into.push_back(std::move(field));
    into.push_back(std::move(value));
}

}  // namespace

std::vector<std::vector<std::string>> merge_hsets(std::vector<std::vector<std::string>> commands) {
    std::vector<std::vector<std::string>> out;
    out.reserve(commands.size());
    std::unordered_map<std::string, std::size_t> hset_of;  // key -> its HSET in `out`, since the last other command
    for (auto& c : commands) {
        if (!is_hset(c)) {
            hset_of.clear();
            out.push_back(std::move(c));
            continue;
        }
        const auto [it, added] = hset_of.try_emplace(c[1], out.size());
        if (added) {
            out.push_back(std::move(c));
            continue;
        }
        for (std::size_t i = 2; i + 1 < c.size(); i += 2) set_field(out[it->second], i, c[i], c[i + 1]);
    }
    return out;
}

}  // namespace kw::live
