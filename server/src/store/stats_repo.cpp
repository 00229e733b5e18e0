#include "store/stats_repo.hpp"

namespace kw::store {

std::int64_t count_active_sessions(soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM orders WHERE state IN ('starting', 'charging', 'stopping')", soci::into(n);
    return n;
}

SettledTotals settled_between(soci::session& sql, UtcMs from, UtcMs to) {
    long long f = from, t = to, energy = 0, revenue = 0, count = 0;
    sql << "SELECT COALESCE(SUM(energy_wh), 0), COALESCE(SUM(total_fen - refunded_fen), 0), COUNT(*) FROM "
           "orders "
           "WHERE state = 'settled' AND settled_at >= :f AND settled_at < :t",
        soci::into(energy), soci::into(revenue), soci::into(count), soci::use(f), soci::use(t);
    return {energy, revenue, count};
}

}  // namespace kw::store
