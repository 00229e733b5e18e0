#include "store/statement_cache.hpp"

#include <mutex>
#include <shared_mutex>

namespace kw::store {

namespace {

// Written when a Db opens or closes; read by every cached statement (a shared lock).
std::shared_mutex registry_mutex;
std::unordered_map<const soci::session*, StatementCache*>& registry() {
    static std::unordered_map<const soci::session*, StatementCache*> caches;
    return caches;
}

}  // namespace

void register_statements(const soci::session& sql, StatementCache* cache) {
    std::unique_lock lock(registry_mutex);
    if (cache) registry()[&sql] = cache;
    else registry().erase(&sql);
}

StatementCache* statements_of(const soci::session& sql) {
    std::shared_lock lock(registry_mutex);
    auto it = registry().find(&sql);
    return it == registry().end() ? nullptr : it->second;
}

}  // namespace kw::store
