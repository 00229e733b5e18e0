#include <gtest/gtest.h>
#include "domain/error.hpp"
TEST(Errc, NameIsStable) { EXPECT_EQ(kw::errc_name(kw::Errc::not_found), "not_found"); }
