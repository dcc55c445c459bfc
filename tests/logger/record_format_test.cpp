// Job output to records (logger/record_format.hpp): one record per line,
// lines over 8 KiB cut into marked pieces, a partial last line left in the
// pipe unless flushed, and only whole records ever produced.
#include <string>

#include "logger/record_format.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using pmtr::format_records;
using pmtr::kMaxRecordBytes;
using pmtr::RecordHeads;

namespace {

const RecordHeads kHeads{"S ", "S+"};

struct Run {
  std::string out;
  size_t consumed = 0;
  bool mid_line = false;
};

Run format(const std::string& in, bool flush = false, bool mid_line = false) {
  Run r;
  r.mid_line = mid_line;
  r.consumed = format_records(in, kHeads, flush, r.mid_line, r.out);
  return r;
}

}  // namespace

TEST_GROUP(RecordFormat) {};

TEST(RecordFormat, EachLineIsOneRecordWithItsHead) {
  const Run r = format("a\nbc\n\n");
  STRCMP_EQUAL("S a\nS bc\nS \n", r.out.c_str());
  CHECK_EQUAL(6u, r.consumed);
  CHECK_FALSE(r.mid_line);
}

TEST(RecordFormat, APartialLastLineStaysUnlessFlushed) {
  Run r = format("a\npart");
  STRCMP_EQUAL("S a\n", r.out.c_str());
  CHECK_EQUAL(2u, r.consumed);
  r = format("part", true);
  STRCMP_EQUAL("S part\n", r.out.c_str());
  CHECK_EQUAL(4u, r.consumed);
  CHECK_TRUE(r.mid_line);
}

TEST(RecordFormat, TheRestOfAFlushedLineIsMarkedAsItsContinuation) {
  const Run r = format("rest\nnext\n", false, true);
  STRCMP_EQUAL("S+rest\nS next\n", r.out.c_str());
  CHECK_FALSE(r.mid_line);
}

TEST(RecordFormat, ALineOverEightKibibytesIsCutIntoMarkedPieces) {
  const std::string line(2 * kMaxRecordBytes + 5, 'x');
  const Run r = format(line + "\n");
  const std::string piece(kMaxRecordBytes, 'x');
  STRCMP_EQUAL(("S " + piece + "\nS+" + piece + "\nS+xxxxx\n").c_str(), r.out.c_str());
  CHECK_EQUAL(line.size() + 1, r.consumed);
  CHECK_FALSE(r.mid_line);
}

TEST(RecordFormat, ALineOfExactlyEightKibibytesIsOneRecord) {
  const std::string line(kMaxRecordBytes, 'y');
  STRCMP_EQUAL(("S " + line + "\n").c_str(), format(line + "\n").out.c_str());
}

TEST(RecordFormat, APartialLineOfEightKibibytesIsWrittenInPiecesWithoutWaiting) {
  const std::string in(kMaxRecordBytes + 3, 'z');
  const Run r = format(in);
  STRCMP_EQUAL(("S " + std::string(kMaxRecordBytes, 'z') + "\n").c_str(), r.out.c_str());
  CHECK_EQUAL(kMaxRecordBytes, r.consumed);   // the 3 bytes wait for their newline
  CHECK_TRUE(r.mid_line);
}

TEST(RecordFormat, BytesAreKeptAsTheyCame) {
  const std::string in(std::string("a\0b\r\x1b[31m", 9) + "\n");
  const Run r = format(in);
  CHECK(r.out == "S " + in);
}

TEST(RecordFormat, TheOutputCapEndsTheBatchAtARecordBoundary) {
  std::string in;
  for (int i = 0; i < 100; ++i) in += "0123456789\n";
  std::string out;
  bool mid = false;
  const size_t consumed = format_records(in, kHeads, false, mid, out, 100);
  CHECK(consumed > 0 && consumed < in.size());
  CHECK_EQUAL(0u, consumed % 11);
  CHECK(out.size() <= 100);
  CHECK_EQUAL(consumed / 11 * 13, out.size());
  // The first record goes whatever the cap.
  out.clear();
  CHECK_EQUAL(11u, format_records(in, kHeads, false, mid, out, 1));
}
