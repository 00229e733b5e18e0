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
//
// Repositories take a plain soci::session&: with_statement<Q>(sql, f) finds the cache of that
// connection when it is one of a Db's pooled connections (Db registers each), and otherwise (a
// session of a test or a tool) prepares Q for this call only. Either way f runs once, on a Q.
#include <memory>
#include <utility>
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

// Db's registry of its pooled connections' caches. register_statements(sql, nullptr) forgets sql.
void register_statements(const soci::session& sql, StatementCache* cache);
StatementCache* statements_of(const soci::session& sql);

template <class Q, class F>
auto with_statement(soci::session& sql, F&& f) {
    if (StatementCache* cache = statements_of(sql)) return cache->run<Q>(sql, std::forward<F>(f));
    Q q(sql);
    return f(q);
}

// A kept statement that changes rows: set(q) binds its values, it runs; returns the rows changed.
template <class Q, class Set>
long long change(soci::session& sql, Set&& set) {
    return with_statement<Q>(sql, [&](Q& q) {
        set(q);
        q.st.execute(true);
        return static_cast<long long>(q.st.get_affected_rows());
    });
}

// A kept SELECT COUNT(*) into q.count: set(q) binds its values; run to its end (see above).
template <class Q, class Set>
long long select_count(soci::session& sql, Set&& set) {
    return with_statement<Q>(sql, [&](Q& q) {
        set(q);
        q.st.execute(false);
        while (q.st.fetch()) {
        }
        return static_cast<long long>(q.count);
    });
}

}  // namespace kw::store
