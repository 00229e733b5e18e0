#pragma once
// A migrated database of a store test's own: a private MariaDB server, or a SQLite file in a temp
// directory (the tests run on both, TEST_P over `mariadb`).
#include <memory>
#include <string>

#include "process.hpp"
#include "services.hpp"
#include "store/db.hpp"

namespace kw::test {

class StoreDb {
  public:
    StoreDb(bool mariadb, const std::string& prefix, int pool_size);
    store::Db& db() { return *db_; }

  private:
    TempDir dir_;
    std::unique_ptr<MariaDb> mariadb_;
    std::unique_ptr<store::Db> db_;
};

}  // namespace kw::test
