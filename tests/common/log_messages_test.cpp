// The monitor <-> pmtr-log codec (common/log_messages.hpp): every record
// round-trips, and every malformed one is refused with a reason, never
// half-read.
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/log_messages.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::string refusal(std::vector<std::byte> rec) {
  auto r = decode_log_message(rec);
  return r ? "" : r.error().message();
}

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

}  // namespace

TEST_GROUP(LogMessages) {};

TEST(LogMessages, EveryTypeRoundTrips) {
  const std::vector<LogMessage> all = {LogAttach{7, "web", true}, LogAttach{0, "a/b", false}, LogDetach{3},
                                       LogRotate{kEverySlot}, LogRotate{9}, LogDrained{4}, LogWrote{}};
  for (const auto& m : all) {
    auto back = decode_log_message(encode_log_message(m));
    CHECK_TEXT(back.ok(), back.ok() ? "" : back.error().message().c_str());
    CHECK(back->index() == m.index());
    if (const auto* a = std::get_if<LogAttach>(&m)) {
      const auto& b = std::get<LogAttach>(*back);
      CHECK_EQUAL(a->slot, b.slot);
      STRCMP_EQUAL(a->name.c_str(), b.name.c_str());
      CHECK_EQUAL(a->detached, b.detached);
    }
  }
}

TEST(LogMessages, MalformedRecordsAreRefusedWithAReason) {
  STRCMP_EQUAL("truncated record", refusal(bytes({1})).c_str());
  STRCMP_EQUAL("wrong protocol version", refusal(bytes({9, 2, 0, 0, 0, 0})).c_str());
  STRCMP_EQUAL("unknown message type", refusal(bytes({1, 99})).c_str());
  auto extra = encode_log_message(LogDrained{1});
  extra.push_back(std::byte{0});
  CHECK(!refusal(extra).empty());
  STRCMP_EQUAL("slot out of range", refusal(encode_log_message(LogDetach{kMaxLogSlots})).c_str());
  STRCMP_EQUAL("slot out of range", refusal(encode_log_message(LogDrained{kEverySlot})).c_str());
  STRCMP_EQUAL("invalid job name", refusal(encode_log_message(LogAttach{1, "two words", false})).c_str());
  STRCMP_EQUAL("invalid job name", refusal(encode_log_message(LogAttach{1, "", false})).c_str());
  auto flags = encode_log_message(LogAttach{1, "a", false});
  flags.back() = std::byte{2};
  STRCMP_EQUAL("unknown flags", refusal(flags).c_str());
  CHECK(!refusal(encode_log_message(LogAttach{1, std::string(limits::kNameBytes + 1, 'x'), false})).empty());
}

TEST(LogMessages, JobDirectoryNamesAreOneEntryEachAndDistinct) {
  STRCMP_EQUAL("web", log_dir_name("web").c_str());
  STRCMP_EQUAL("a%2Fb", log_dir_name("a/b").c_str());
  STRCMP_EQUAL("100%25", log_dir_name("100%").c_str());
  STRCMP_EQUAL("%2E", log_dir_name(".").c_str());
  STRCMP_EQUAL("%2E.", log_dir_name("..").c_str());
  STRCMP_EQUAL("%2Ehidden", log_dir_name(".hidden").c_str());
  STRCMP_EQUAL("a.b", log_dir_name("a.b").c_str());
  CHECK(log_dir_name("a%2Fb") != log_dir_name("a/b"));
}
