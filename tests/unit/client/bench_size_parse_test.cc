#include <catch2/catch.hpp>

#include "client/bench/size_parse.h"

namespace ccs::bench {
namespace {

TEST_CASE("sizes take binary K, M and G suffixes as nccl-tests does", "[bench]") {
  REQUIRE(ParseSize("8") == 8u);
  REQUIRE(ParseSize("0") == 0u);
  REQUIRE(ParseSize("64K") == 64u * 1024);
  REQUIRE(ParseSize("64k") == 64u * 1024);
  REQUIRE(ParseSize("64M") == 64u << 20);
  REQUIRE(ParseSize("1G") == uint64_t{1} << 30);
  REQUIRE(ParseSize("16g") == uint64_t{16} << 30);
}

TEST_CASE("byte unit spellings after the suffix are accepted", "[bench]") {
  REQUIRE(ParseSize("512B") == 512u);
  REQUIRE(ParseSize("4KB") == 4096u);
  REQUIRE(ParseSize("4KiB") == 4096u);
  REQUIRE(ParseSize("2mib") == 2u << 20);
}

TEST_CASE("malformed sizes are rejected", "[bench]") {
  for (const char* bad :
       {"", "M", "-1", "1.5M", "1X", "1MM", "1 M", "K1", "1T", "0x10"}) {
    CAPTURE(bad);
    REQUIRE_FALSE(ParseSize(bad));
  }
}

TEST_CASE("sizes that overflow 64 bits are rejected", "[bench]") {
  REQUIRE(ParseSize("18446744073709551615") == UINT64_MAX);
  REQUIRE_FALSE(ParseSize("18446744073709551616"));
  REQUIRE_FALSE(ParseSize("17179869184G"));
}

TEST_CASE("sizes print in the largest unit that divides them", "[bench]") {
  REQUIRE(FormatSize(8) == "8 B");
  REQUIRE(FormatSize(65536) == "64 KiB");
  REQUIRE(FormatSize(64u << 20) == "64 MiB");
  REQUIRE(FormatSize(1536) == "1536 B");
  REQUIRE(FormatSize(uint64_t{2} << 30) == "2 GiB");
}

}  // namespace
}  // namespace ccs::bench
