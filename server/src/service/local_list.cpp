#include "service/local_list.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "domain/error.hpp"
#include "domain/local_list.hpp"
#include "service/charger_commands.hpp"
#include "store/cards_repo.hpp"
#include "store/charger_commands_repo.hpp"
#include "store/db.hpp"

namespace kw::service {

namespace {

// How many of a charger's latest list answers are read to find the version it holds.
constexpr std::int64_t kAnswersRead = 20;

// The integer `key` of a recorded JSON object (params or result), or 0.
std::int64_t version_in(const std::optional<std::string>& text, const char* key) {
    if (!text) return 0;
    boost::system::error_code ec;
    const auto v = boost::json::parse(*text, ec);
    if (ec || !v.is_object()) return 0;
    const auto* n = v.as_object().if_contains(key);
    return n && n->is_int64() ? n->as_int64() : 0;
}

}  // namespace

std::optional<std::int64_t> held_local_list_version(app::Context& ctx, std::int64_t charger_id) {
    std::vector<store::ChargerCommandRow> rows;
    {
        auto sql = ctx.db.read_session();
        rows = store::local_list_answers(*sql, charger_id, kAnswersRead);
    }
    std::vector<domain::LocalListAnswer> answers;
    for (const auto& r : rows) {
        const bool sent = r.kind == "send_local_list";
        answers.push_back(
            {sent ? domain::LocalListAnswer::Kind::sent_list : domain::LocalListAnswer::Kind::asked_version,
             r.status == "accepted", r.reason,
             sent ? version_in(r.params, "list_version") : version_in(r.result, "list_version")});
    }
    return domain::held_list_version(answers);
}

std::optional<std::int64_t> fill_local_list(app::Context& ctx, std::int64_t charger_id,
                                            device::SendLocalListCommand& list, UtcMs now) {
    std::optional<std::int64_t> since;
    if (list.differential) {
        since = held_local_list_version(ctx, charger_id);
        if (!since)
            throw Error(Errc::conflict,
                        "the local list version this charger holds is not known: send a full list first");
    }
    auto sql = ctx.db.read_session();
    const auto cards = store::cards_for_local_list(*sql, since.value_or(0), kMaxLocalList + 1);
    if (static_cast<std::int64_t>(cards.size()) > kMaxLocalList)
        throw Error(Errc::conflict,
                    "more than " + std::to_string(kMaxLocalList) + " cards: too many for a local list");
    if (since && cards.empty()) {
        const std::int64_t ours = store::cards_list_version(*sql);
        if (ours < *since)
            throw Error(Errc::conflict, "the charger holds local list version " + std::to_string(*since) +
                                            ", newer than Kilowatt's " + std::to_string(ours) +
                                            ": send a full list");
        throw Error(Errc::conflict, "the charger holds the newest local list (version " +
                                        std::to_string(*since) + "): no card changed since");
    }
    // An empty full list still needs a version above 0 (0 means "no list"); the first card takes 2.
    list.list_version = 1;
    for (const auto& c : cards) {
        list.list_version = std::max(list.list_version, c.card.list_version);
        list.entries.push_back(
            {c.card.uid,
             std::string(domain::local_list_status(c.card.status, c.driver_active, c.card.expires_at, now)),
             c.card.expires_at});
    }
    return since;
}

int push_local_list_revocation(app::Context& ctx, std::int64_t employee_id, std::string_view why) {
    std::vector<std::int64_t> chargers;
    {
        auto sql = ctx.db.read_session();
        chargers = store::chargers_with_local_lists(*sql);
    }
    int sent = 0;
    for (const std::int64_t charger_id : chargers) {
        try {
            device::SendLocalListCommand list;
            list.differential = true;
            const auto row =
                issue_charger_command(ctx, employee_id, charger_id, list,
                                      boost::json::object{{"update_type", "differential"}, {"trigger", why}});
            ++sent;
            spdlog::info("event=local_list_pushed charger={} command={} trigger={}", charger_id, row.id, why);
        } catch (const Error& e) {
            // Offline, or a list we do not know the version of: its next full list carries the change.
            spdlog::info("event=local_list_not_pushed charger={} trigger={} reason=\"{}\"", charger_id, why,
                         e.what());
        } catch (const std::exception& e) {
            spdlog::error("event=local_list_push_failed charger={} trigger={} error=\"{}\"", charger_id, why,
                          e.what());
        }
    }
    return sent;
}

}  // namespace kw::service
