#pragma once
// Bulk creation of chargers (the admin CSV import): rows already parsed and validated by the edge
// (each row by the same functions as a single create) are created in batches of kImportBatch, one
// SQL transaction per batch, and the batch's broker accounts in one BrokerAccounts call. A row that
// cannot be created (code taken, reserved or a foreign broker account, unknown station) becomes an
// error entry and changes nothing; the others are created. When the broker fails for a whole batch,
// that batch's rows are deleted again (they were committed before the broker was asked, so that no
// SQL session is held for seconds) and reported as unavailable, and the later rows are not tried.
// Worker threads only.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "service/network.hpp"

namespace kw::service {

inline constexpr std::size_t kImportBatch = 500;

struct ImportRowError {
    std::int64_t row = 0;  // 1-based data row (the header is row 0)
    std::string code;      // the errc name: bad_request, already_exists, conflict, unavailable ...
    std::string message;
};

struct ImportedCharger {
    std::int64_t row = 0;
    NewCharger charger;
    std::string password;  // shown once
};

struct ImportInput {
    std::int64_t row = 0;
    NewCharger charger;
};

struct ImportResult {
    std::vector<ImportedCharger> created;  // in row order
    std::vector<ImportRowError> errors;    // in row order
};

ImportResult import_chargers(app::Context& ctx, std::int64_t employee_id, const std::vector<ImportInput>& rows);

}  // namespace kw::service
