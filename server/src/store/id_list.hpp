#pragma once
// "1,2,3" for an IN (...) list: the ids are integers formatted here, never user text.
#include <cstdint>
#include <string>
#include <vector>

namespace kw::store {

inline std::string id_list(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (std::int64_t id : ids) {
        if (!out.empty()) out += ',';
        out += std::to_string(id);
    }
    return out;
}

}  // namespace kw::store
