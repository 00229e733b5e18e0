#include "service/running_view.hpp"

#include <mutex>

namespace kw::service {

std::optional<RunningLive> RunningView::get(std::int64_t order_id) const {
    if (!enabled_) return std::nullopt;
    std::shared_lock lock(mutex_);
    const auto it = entries_.find(order_id);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

void RunningView::put(std::int64_t order_id, const RunningLive& live) {
    if (!enabled_) return;
    std::unique_lock lock(mutex_);
    auto [it, added] = entries_.try_emplace(order_id, live);
    if (!added && it->second.at <= live.at) it->second = live;
}

void RunningView::forget(std::int64_t order_id) {
    if (!enabled_) return;
    std::unique_lock lock(mutex_);
    entries_.erase(order_id);
}

std::size_t RunningView::size() const {
    std::shared_lock lock(mutex_);
    return entries_.size();
}

namespace {
std::string hint_key(const std::string& code, int connector) { return code + ":" + std::to_string(connector); }
}  // namespace

std::int64_t RunningView::order_hint(const std::string& code, int connector) const {
    std::shared_lock lock(hints_mutex_);
    const auto it = hints_.find(hint_key(code, connector));
    return it == hints_.end() ? 0 : it->second;
}

void RunningView::set_order_hint(const std::string& code, int connector, std::int64_t order_id) {
    std::string key = hint_key(code, connector);
    std::unique_lock lock(hints_mutex_);
    if (order_id == 0) {
        hints_.erase(key);
        return;
    }
    if (hints_.size() >= kMaxHints) hints_.clear();
    hints_[std::move(key)] = order_id;
}

}  // namespace kw::service
