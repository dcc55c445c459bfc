// WireWriter / WireReader: exact byte layout, bounds on every getter, the
// sticky error, exact consumption.
#include "common/wire.hpp"


#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using pmtr::WireReader;
using pmtr::WireWriter;
using pmtr::test::bytes;

namespace {

std::vector<std::byte> written(void (*fill)(WireWriter&)) {
  WireWriter w;
  fill(w);
  return w.take();
}

void check_bytes(const std::vector<std::byte>& expected, const std::vector<std::byte>& actual) {
  CHECK_EQUAL(expected.size(), actual.size());
  MEMCMP_EQUAL(expected.data(), actual.data(), expected.size());
}

}  // namespace

TEST_GROUP(Wire){};

// ---- writer: little-endian, fixed widths, u32-prefixed strings ----------

TEST(Wire, WriterIntegersAreLittleEndian) {
  check_bytes(bytes({0xab}), written([](WireWriter& w) { w.u8(0xab); }));
  check_bytes(bytes({0x34, 0x12}), written([](WireWriter& w) { w.u16(0x1234); }));
  check_bytes(bytes({0x78, 0x56, 0x34, 0x12}), written([](WireWriter& w) { w.u32(0x12345678); }));
  check_bytes(bytes({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}),
              written([](WireWriter& w) { w.u64(0x0102030405060708ull); }));
  check_bytes(bytes({0xfe, 0xff, 0xff, 0xff}), written([](WireWriter& w) { w.i32(-2); }));
}

TEST(Wire, WriterBooleanIsOneByteZeroOrOne) {
  check_bytes(bytes({0, 1}), written([](WireWriter& w) {
                w.boolean(false);
                w.boolean(true);
              }));
}

TEST(Wire, WriterStringIsLengthThenBytesWithoutTerminator) {
  check_bytes(bytes({3, 0, 0, 0, 'a', 'b', 'c'}), written([](WireWriter& w) { w.str("abc"); }));
  check_bytes(bytes({0, 0, 0, 0}), written([](WireWriter& w) { w.str(""); }));
}

TEST(Wire, WriterSizeAndBytesTrackTheBuffer) {
  WireWriter w;
  CHECK_EQUAL(0u, w.size());
  w.u16(1);
  w.u8(2);
  CHECK_EQUAL(3u, w.size());
  CHECK_EQUAL(3u, w.bytes().size());
  CHECK(w.bytes()[2] == std::byte{2});
  const auto taken = w.take();
  CHECK_EQUAL(3u, taken.size());
}

TEST(Wire, WriterKeepsEveryByteAcrossGrowthAndReserve) {
  // The buffer grows under the fields (and reserve() grows it early): no
  // byte may be lost, duplicated or left as zero fill in the result.
  WireWriter w;
  w.reserve(3);
  std::vector<std::byte> expected;
  for (uint32_t i = 0; i < 5000; ++i) {
    w.u32(i * 2654435761u);
    const uint32_t v = i * 2654435761u;
    for (int b = 0; b < 4; ++b) expected.push_back(static_cast<std::byte>(v >> (8 * b)));
    if (i % 7 == 0) {
      const std::string s(i % 300, static_cast<char>('a' + i % 26));
      w.str(s);
      const auto len = static_cast<uint32_t>(s.size());
      for (int b = 0; b < 4; ++b) expected.push_back(static_cast<std::byte>(len >> (8 * b)));
      for (char c : s) expected.push_back(static_cast<std::byte>(c));
    }
    if (i == 100) w.reserve(1 << 16);
  }
  CHECK_EQUAL(expected.size(), w.size());
  check_bytes(expected, w.take());
}

TEST(Wire, WriterStartsAfreshAfterTake) {
  WireWriter w;
  w.u32(7);
  (void)w.take();
  CHECK_EQUAL(0u, w.size());
  w.u8(9);
  check_bytes(bytes({9}), w.take());
}

// ---- reader: every getter, values at the extremes ------------------------

TEST(Wire, ReaderRoundTripsEveryGetterAtTheExtremes) {
  WireWriter w;
  w.u8(0);
  w.u8(0xff);
  w.u16(0);
  w.u16(0xffff);
  w.u32(0);
  w.u32(0xffffffffu);
  w.u64(0);
  w.u64(~0ull);
  w.i32(std::numeric_limits<int32_t>::min());
  w.i32(std::numeric_limits<int32_t>::max());
  w.i32(-1);
  w.boolean(false);
  w.boolean(true);
  w.str("hello");
  w.str("");
  const auto buf = w.take();

  WireReader r(buf);
  CHECK_EQUAL(0, r.u8());
  CHECK_EQUAL(0xff, r.u8());
  CHECK_EQUAL(0, r.u16());
  CHECK_EQUAL(0xffff, r.u16());
  CHECK_EQUAL(0u, r.u32());
  CHECK_EQUAL(0xffffffffu, r.u32());
  CHECK(r.u64() == 0);
  CHECK(r.u64() == ~0ull);
  CHECK_EQUAL(std::numeric_limits<int32_t>::min(), r.i32());
  CHECK_EQUAL(std::numeric_limits<int32_t>::max(), r.i32());
  CHECK_EQUAL(-1, r.i32());
  CHECK_FALSE(r.boolean());
  CHECK_TRUE(r.boolean());
  STRCMP_EQUAL("hello", r.str(5).c_str());
  STRCMP_EQUAL("", r.str(0).c_str());
  CHECK_TRUE(r.ok());
  STRCMP_EQUAL("ok", r.error());
  CHECK_EQUAL(0u, r.remaining());
  CHECK_TRUE(r.finish());
}

TEST(Wire, ReaderDecodesLittleEndianBytes) {
  const auto buf = bytes({0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 8, 7, 6, 5, 4, 3, 2, 1});
  WireReader r(buf);
  CHECK_EQUAL(0x1234, r.u16());
  CHECK_EQUAL(0x12345678u, r.u32());
  CHECK(r.u64() == 0x0102030405060708ull);
  CHECK_TRUE(r.finish());
}

// Each getter, given one byte less than it needs, fails cleanly, returns
// zero, and consumes nothing.
TEST(Wire, EveryGetterRejectsShortInput) {
  const auto buf = bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  struct Case {
    size_t have;
    bool (*read)(WireReader&);   // true when the getter returned its zero value
  };
  const Case cases[] = {
      {0, [](WireReader& r) { return r.u8() == 0; }},
      {1, [](WireReader& r) { return r.u16() == 0; }},
      {3, [](WireReader& r) { return r.u32() == 0; }},
      {7, [](WireReader& r) { return r.u64() == 0; }},
      {3, [](WireReader& r) { return r.i32() == 0; }},
      {0, [](WireReader& r) { return !r.boolean(); }},
      {3, [](WireReader& r) { return r.str(100).empty(); }},
      {3, [](WireReader& r) { return r.count(100, 0) == 0; }},
  };
  for (const Case& c : cases) {
    WireReader r(std::span<const std::byte>(buf.data(), c.have));
    CHECK_TRUE(c.read(r));
    CHECK_FALSE(r.ok());
    STRCMP_EQUAL("truncated record", r.error());
    CHECK_EQUAL(c.have, r.remaining());
    CHECK_FALSE(r.finish());
  }
}

TEST(Wire, EmptyInputFailsOnFirstRead) {
  WireReader r(std::span<const std::byte>{});
  CHECK_EQUAL(0u, r.remaining());
  CHECK_TRUE(r.finish());   // nothing asked, nothing left
  CHECK_EQUAL(0, r.u8());
  CHECK_FALSE(r.finish());
}

// ---- sticky error ----------------------------------------------------------

TEST(Wire, ErrorIsStickyAndFirstReasonWins) {
  const auto buf = bytes({2, 7, 1, 0, 0, 0, 'x'});
  WireReader r(buf);
  CHECK_FALSE(r.boolean());   // 2: out of range
  STRCMP_EQUAL("boolean out of range", r.error());
  const size_t left = r.remaining();
  // Bytes are there, but nothing more is read after the first failure.
  CHECK_EQUAL(0, r.u8());
  CHECK_EQUAL(0, r.u16());
  CHECK_EQUAL(0u, r.u32());
  CHECK(r.u64() == 0);
  CHECK_FALSE(r.boolean());
  CHECK_TRUE(r.str(10).empty());
  CHECK_EQUAL(0u, r.count(10, 1));
  CHECK_EQUAL(left, r.remaining());
  r.fail("second reason");
  STRCMP_EQUAL("boolean out of range", r.error());
  CHECK_FALSE(r.finish());
  STRCMP_EQUAL("boolean out of range", r.error());
}

TEST(Wire, FailMarksAGoodReaderBad) {
  const auto buf = bytes({1});
  WireReader r(buf);
  CHECK_TRUE(r.ok());
  r.fail("custom");
  CHECK_FALSE(r.ok());
  STRCMP_EQUAL("custom", r.error());
  CHECK_EQUAL(0, r.u8());
}

// ---- finish(): exact consumption -----------------------------------------

TEST(Wire, FinishDemandsEveryByteConsumed) {
  const auto buf = bytes({1, 2, 3});
  {
    WireReader r(buf);
    CHECK_EQUAL(1, r.u8());
    CHECK_EQUAL(2u, r.remaining());
    CHECK_FALSE(r.finish());
    STRCMP_EQUAL("trailing bytes after record", r.error());
  }
  {
    WireReader r(buf);
    (void)r.u16();
    (void)r.u8();
    CHECK_TRUE(r.finish());
    CHECK_TRUE(r.ok());
  }
}

TEST(Wire, FinishKeepsAnEarlierReason) {
  const auto buf = bytes({5, 0, 0, 0, 'a', 'b'});
  WireReader r(buf);
  CHECK_TRUE(r.str(10).empty());   // claims 5 bytes, has 2
  CHECK_FALSE(r.finish());
  STRCMP_EQUAL("truncated record", r.error());
}

// ---- strings ---------------------------------------------------------------

TEST(Wire, StringAtItsCapIsAcceptedOneMoreIsNot) {
  WireWriter w;
  w.str(std::string(16, 'x'));
  const auto buf = w.take();
  {
    WireReader r(buf);
    CHECK_EQUAL(16u, r.str(16).size());
    CHECK_TRUE(r.finish());
  }
  {
    WireReader r(buf);
    CHECK_TRUE(r.str(15).empty());
    STRCMP_EQUAL("string too long", r.error());
  }
}

TEST(Wire, StringLengthBeyondTheRecordIsTruncatedNotAllocated) {
  // A length of 4 GiB with a cap that would allow it: must fail on the bytes
  // left, before any allocation of that size.
  const auto buf = bytes({0xff, 0xff, 0xff, 0xff, 'a'});
  WireReader r(buf);
  CHECK_TRUE(r.str(std::numeric_limits<size_t>::max()).empty());
  STRCMP_EQUAL("truncated record", r.error());
}

TEST(Wire, NulAnywhereInsideAStringIsRejected) {
  for (size_t at = 0; at < 4; ++at) {
    std::string s = "abcd";
    s[at] = '\0';
    WireWriter w;
    w.str(s);
    const auto buf = w.take();
    WireReader r(buf);
    CHECK_TRUE(r.str(100).empty());
    STRCMP_EQUAL("NUL byte inside string", r.error());
    CHECK_FALSE(r.finish());
  }
}

TEST(Wire, StringKeepsEveryOtherByte) {
  std::string all;
  for (int c = 1; c < 256; ++c) all.push_back(static_cast<char>(c));
  WireWriter w;
  w.str(all);
  const auto buf = w.take();
  WireReader r(buf);
  const std::string got = r.str(all.size());
  CHECK_TRUE(r.finish());
  CHECK_TRUE(got == all);
}

// ---- booleans ----------------------------------------------------------------

TEST(Wire, BooleanAcceptsOnlyZeroAndOne) {
  for (int v = 0; v < 256; ++v) {
    const auto buf = bytes({v});
    WireReader r(buf);
    const bool b = r.boolean();
    if (v <= 1) {
      CHECK_TRUE(r.finish());
      CHECK_EQUAL(v == 1, b);
    } else {
      CHECK_FALSE(b);
      STRCMP_EQUAL("boolean out of range", r.error());
    }
  }
}

// ---- list counts -------------------------------------------------------------

TEST(Wire, CountAboveItsCapIsRejected) {
  WireWriter w;
  w.u32(11);
  w.u32(0);   // some bytes after, so only the cap can fail
  w.u32(0);
  w.u32(0);
  const auto buf = w.take();
  WireReader r(buf);
  CHECK_EQUAL(0u, r.count(10, 0));
  STRCMP_EQUAL("list too long", r.error());
}

TEST(Wire, CountAtItsCapIsAccepted) {
  WireWriter w;
  w.u32(10);
  const auto buf = w.take();
  WireReader r(buf);
  CHECK_EQUAL(10u, r.count(10, 0));
  CHECK_TRUE(r.finish());
}

// The count is checked against the bytes actually left: n elements of at
// least k bytes each need n*k bytes, whatever the cap says.
TEST(Wire, CountIsCheckedAgainstTheBytesLeft) {
  for (size_t left = 0; left <= 12; ++left) {
    WireWriter w;
    w.u32(3);
    for (size_t i = 0; i < left; ++i) w.u8(0);
    const auto buf = w.take();
    WireReader r(buf);
    const uint32_t n = r.count(1000, 4);   // 3 elements of >= 4 bytes: 12 bytes
    if (left >= 12) {
      CHECK_EQUAL(3u, n);
      CHECK_TRUE(r.ok());
    } else {
      CHECK_EQUAL(0u, n);
      STRCMP_EQUAL("truncated record", r.error());
    }
  }
}

TEST(Wire, HugeCountWithHugeCapStillBoundedByBytesLeft) {
  const auto buf = bytes({0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0});
  WireReader r(buf);
  CHECK_EQUAL(0u, r.count(std::numeric_limits<size_t>::max(), 1));
  STRCMP_EQUAL("truncated record", r.error());
}

TEST(Wire, CountOfZeroNeedsNoBytes) {
  const auto buf = bytes({0, 0, 0, 0});
  WireReader r(buf);
  CHECK_EQUAL(0u, r.count(0, 100));
  CHECK_TRUE(r.finish());
}
