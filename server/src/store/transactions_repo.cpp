#include "store/transactions_repo.hpp"

namespace kw::store {

std::optional<TxOrder> find_tx_order(soci::session& sql, const std::string& code, const std::string& tx_id) {
    TxOrder t;
    long long id = 0;
    int ended = 0;
    std::string reason;
    soci::indicator ind_reason = soci::i_ok;
    sql << "SELECT o.id, o.state, o.stop_reason, (SELECT COUNT(*) FROM tx_events e WHERE e.charger_id = o.charger_id "
           "AND e.tx_id = o.tx_id AND e.kind = 'ended') FROM orders o JOIN chargers c ON c.id = o.charger_id "
           "WHERE c.code = :code AND o.tx_id = :tx ORDER BY o.id DESC LIMIT 1",
        soci::use(code), soci::use(tx_id), soci::into(id), soci::into(t.state), soci::into(reason, ind_reason),
        soci::into(ended);
    if (!sql.got_data()) return std::nullopt;
    t.order_id = id;
    if (ind_reason == soci::i_ok) t.stop_reason = reason;
    t.ended_reported = ended > 0;
    return t;
}

void record_late_tx(soci::session& sql, std::int64_t order_id, const std::string& tx_id) {
    long long o = order_id;
    sql << "UPDATE orders SET tx_id = :tx WHERE id = :id AND tx_id IS NULL", soci::use(tx_id), soci::use(o);
}

}  // namespace kw::store
