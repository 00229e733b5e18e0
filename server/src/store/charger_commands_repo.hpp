#pragma once
// The charger_commands table: an operator's command to a charger and its answer (migration 007).
// Written by service/charger_commands.cpp; plain functions on a caller's session; worker threads only.
#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.hpp"

namespace kw::store {

struct ChargerCommandRow {
    std::int64_t id = 0;
    std::int64_t charger_id = 0;
    std::string kind;
    std::string params;  // JSON object
    std::string status;  // sent | accepted | rejected | failed | timeout
    std::string reason;
    std::optional<std::string> result;  // JSON object
    std::int64_t employee_id = 0;
    UtcMs created_at = 0;
    std::optional<UtcMs> answered_at;
};

// A new row in state "sent"; returns its id.
std::int64_t insert_charger_command(soci::session& sql, std::int64_t charger_id, const std::string& kind,
                                    const std::string& params, std::int64_t employee_id, UtcMs now);
std::optional<ChargerCommandRow> find_charger_command(soci::session& sql, std::int64_t id);
// Newest first.
std::vector<ChargerCommandRow> list_charger_commands(soci::session& sql, std::int64_t charger_id, std::int64_t limit,
                                                     std::int64_t offset);
std::int64_t count_charger_commands(soci::session& sql, std::int64_t charger_id);
// Records the answer if the command is still "sent" (a late answer after its timeout, or a repeat,
// changes nothing); false when it was not.
bool answer_charger_command(soci::session& sql, std::int64_t id, const std::string& status, const std::string& reason,
                            const std::optional<std::string>& result, UtcMs now);
// The charger's answered send_local_list and get_local_list_version commands (accepted or
// rejected), newest first, at most `limit`: what tells which local list version it holds.
std::vector<ChargerCommandRow> local_list_answers(soci::session& sql, std::int64_t charger_id, std::int64_t limit);
// The chargers that ever accepted a local list, ordered by id.
std::vector<std::int64_t> chargers_with_local_lists(soci::session& sql);
// Every command still "sent" since before `before` becomes "timeout"; returns how many.
std::int64_t expire_charger_commands(soci::session& sql, UtcMs before, UtcMs now);

}  // namespace kw::store
