#pragma once
// StatementCache: statements prepared once per pooled connection and reused, so a hot read does
// not have its SQL parsed again on every call (SQLite's parser was a visible share of the profile
// of GET /orders/{id}). Db keeps one per pooled connection and Db::Session hands out its
// connection's; only the thread holding that session uses it, so there is no lock.
//
// A query is a struct Q whose constructor Q(soci::session&) prepares a soci::statement bound to its
// own members (the statement keeps pointers to them, so Q never moves). run<Q>(sql, f) calls f(q)
// with this connection's Q, made on first use; if f throws, Q is dropped (a statement that failed
// may be half-run) and made again next time.
// f must fetch until fetch() returns false: on SQLite a statement stopped before its last row keeps
// the connection's read snapshot open, and later reads on that connection would see old data.
#include <memory>
#include <typeindex>
#include <unordered_map>

#include <soci/soci.h>

namespace kw::store {

class StatementCache {
public:
    template <class Q, class F>
    auto run(soci::session& sql, F&& f) {
        auto& slot = entries_[std::type_index(typeid(Q))];
        if (!slot) slot = std::make_unique<Holder<Q>>(sql);
        try {
            return f(static_cast<Holder<Q>&>(*slot).query);
        } catch (...) {
            entries_.erase(std::type_index(typeid(Q)));
            throw;
        }
    }
    std::size_t size() const { return entries_.size(); }
    // Forgets every statement (the connection was opened again: they belong to the old one).
    void clear() { entries_.clear(); }

private:
    struct Base {
        virtual ~Base() = default;
    };
    template <class Q>
    struct Holder final : Base {
        explicit Holder(soci::session& sql) : query(sql) {}
        Q query;
    };
    std::unordered_map<std::type_index, std::unique_ptr<Base>> entries_;
};

}  // namespace kw::store
