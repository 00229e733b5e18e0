#pragma once
// A Redis client of the test's own on the stack's Redis, for looking behind the server's back.
#include "live/redis.hpp"
#include "stack.hpp"

namespace kw::test {

inline live::Redis redis_of(Stack& stack) {
    live::RedisConfig c;
    c.port = stack.redis().port();
    c.password = stack.redis().password();
    c.pool_size = 1;
    return live::Redis(c);
}

}  // namespace kw::test
