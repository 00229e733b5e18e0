#pragma once
// One page of a list and the total the unpaged list would have: what list use cases return to the
// edges, which format it. Any thread.
#include <cstdint>
#include <vector>

namespace kw::service {

template <class T>
struct Paged {
    std::vector<T> items;
    std::int64_t total = 0;
};

}  // namespace kw::service
