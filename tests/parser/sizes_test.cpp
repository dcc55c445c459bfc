// parser/sizes.{hpp,cpp}: the sizes of `limit memory|swap` and `log rotate`.
#include "parser/sizes.hpp"

#include <CppUTest/TestHarness.h>

#include <string>

#include "common/limits.hpp"

using namespace pmtr;
using namespace pmtr::conf;

namespace {

std::string bytes_of(std::string_view s) {
  const auto r = parse_size(s);
  return r ? std::to_string(r.value()) : "error: " + r.error().what;
}

}  // namespace

TEST_GROUP(Sizes){};

TEST(Sizes, BytesAndPowersOf1024) {
  STRCMP_EQUAL("0", bytes_of("0").c_str());
  STRCMP_EQUAL("4096", bytes_of("4096").c_str());
  STRCMP_EQUAL("4096", bytes_of("4K").c_str());
  STRCMP_EQUAL("536870912", bytes_of("512M").c_str());
  STRCMP_EQUAL("1073741824", bytes_of("1G").c_str());
  STRCMP_EQUAL("2199023255552", bytes_of("2T").c_str());
  STRCMP_EQUAL("1536", bytes_of("0001536").c_str());
}

TEST(Sizes, TheCapIsIncludedAndOneMoreIsTooLarge) {
  STRCMP_EQUAL(std::to_string(limits::kSizeMax).c_str(), bytes_of("1024T").c_str());
  STRCMP_EQUAL(std::to_string(limits::kSizeMax).c_str(), bytes_of(std::to_string(limits::kSizeMax)).c_str());
  STRCMP_EQUAL("error: size '1025T' is too large (max 1024T)", bytes_of("1025T").c_str());
  STRCMP_EQUAL("error: size '1048577G' is too large (max 1024T)", bytes_of("1048577G").c_str());
  STRCMP_EQUAL(("error: size '" + std::to_string(limits::kSizeMax + 1) + "' is too large (max 1024T)").c_str(),
               bytes_of(std::to_string(limits::kSizeMax + 1)).c_str());
  // No overflow on the way: twenty digits are "too large", not wrapped.
  STRCMP_EQUAL("error: size '99999999999999999999K' is too large (max 1024T)", bytes_of("99999999999999999999K").c_str());
}

TEST(Sizes, OtherSpellingsOfAUnitGetTheOneMeant) {
  for (const char* w : {"512m", "512MB", "512MiB", "512Mi", "512mb", "512mib"})
    STRCMP_EQUAL_TEXT(
        ("error: invalid size '" + std::string(w) +
         "' (units are K, M, G and T, uppercase, powers of 1024: did you mean '512M'?)").c_str(),
        bytes_of(w).c_str(), w);
  STRCMP_EQUAL("error: invalid size '4k' (units are K, M, G and T, uppercase, powers of 1024: did you mean '4K'?)",
               bytes_of("4k").c_str());
  STRCMP_EQUAL("error: invalid size '100B' (a size without a unit is in bytes: did you mean '100'?)",
               bytes_of("100B").c_str());
}

TEST(Sizes, AnythingElseIsInvalid) {
  for (const char* w : {"", "M", "1.5G", "-1", "+1", "1 M", "1P", "1KK", "0x10", "1e6", "ten"})
    STRCMP_EQUAL_TEXT(("error: invalid size '" + std::string(w) +
                       "' (a whole number of bytes, or one with the unit K, M, G or T, as in '512M')").c_str(),
                      bytes_of(w).c_str(), w);
}

TEST(Sizes, TextUsesTheLargestUnitThatDividesIt) {
  STRCMP_EQUAL("4K", size_text(4096).c_str());
  STRCMP_EQUAL("10M", size_text(10u << 20).c_str());
  STRCMP_EQUAL("1536M", size_text(1536ull << 20).c_str());
  STRCMP_EQUAL("1024T", size_text(limits::kSizeMax).c_str());
  STRCMP_EQUAL("1000", size_text(1000).c_str());
  STRCMP_EQUAL("0", size_text(0).c_str());
}
