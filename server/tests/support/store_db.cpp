#include "store_db.hpp"

namespace kw::test {

StoreDb::StoreDb(bool mariadb, const std::string& prefix, int pool_size) : dir_(prefix) {
    if (mariadb) mariadb_ = std::make_unique<MariaDb>();
    const std::string url = mariadb ? mariadb_->url() : "sqlite:" + dir_.file("kw.db");
    db_ = std::make_unique<store::Db>(store::DbConfig{url, pool_size});
    db_->migrate();
}

}  // namespace kw::test
