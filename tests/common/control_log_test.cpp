// common/control_messages: the records of pmtrctl log and rotate.  They
// round-trip; a LogWhere names one valid job; a Rotate may name none; a
// LogPlace names an absolute directory exactly when its target is one.
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "common/control_messages.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::vector<std::byte> bytes(std::initializer_list<int> v) {
  std::vector<std::byte> out;
  for (const int b : v) out.push_back(static_cast<std::byte>(b));
  return out;
}

std::vector<std::byte> place_record(uint8_t captured, uint8_t target, const std::string& dir) {
  std::vector<std::byte> r = bytes({kControlVersion, static_cast<int>(CtlType::LogPlace), captured, target});
  const auto n = static_cast<uint32_t>(dir.size());
  for (int i = 0; i < 4; ++i) r.push_back(static_cast<std::byte>((n >> (8 * i)) & 0xFF));
  for (const char c : dir) r.push_back(static_cast<std::byte>(c));
  return r;
}

}  // namespace

TEST_GROUP(ControlLog){};

TEST(ControlLog, RequestsRoundTrip) {
  auto where = decode_ctl_request(encode_ctl_request(CtlLogWhere{"web/1"}));
  CHECK_TRUE(where.ok());
  STRCMP_EQUAL("web/1", std::get<CtlLogWhere>(*where).name.c_str());
  auto all = decode_ctl_request(encode_ctl_request(CtlRotate{}));
  CHECK_TRUE(all.ok());
  CHECK_TRUE(std::get<CtlRotate>(*all).names.empty());
  auto two = decode_ctl_request(encode_ctl_request(CtlRotate{{"a", "b"}}));
  CHECK_TRUE(two.ok());
  CHECK_EQUAL(2u, std::get<CtlRotate>(*two).names.size());
}

TEST(ControlLog, RequestsAreStrict) {
  CHECK_FALSE(decode_ctl_request(encode_ctl_request(CtlLogWhere{""})).ok());
  CHECK_FALSE(decode_ctl_request(encode_ctl_request(CtlLogWhere{"two words"})).ok());
  CHECK_FALSE(decode_ctl_request(encode_ctl_request(CtlRotate{{"ok", "bad name"}})).ok());
  auto extra = encode_ctl_request(CtlLogWhere{"web"});
  extra.push_back(std::byte{0});
  CHECK_FALSE(decode_ctl_request(extra).ok());
  const auto full = encode_ctl_request(CtlRotate{{"web"}});
  for (size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decode_ctl_request(std::span<const std::byte>(full.data(), n)).ok());
  // Each side refuses the other's types.
  CHECK_FALSE(decode_ctl_reply(encode_ctl_request(CtlLogWhere{"web"})).ok());
  CHECK_FALSE(decode_ctl_request(encode_ctl_reply(CtlLogPlace{true, LogPlaceTarget::Dir, "/var/log/pmtr"})).ok());
}

TEST(ControlLog, PlaceRoundTripsAndIsStrict) {
  for (const CtlLogPlace& p : {CtlLogPlace{true, LogPlaceTarget::Dir, "/var/log/pmtr"},
                               CtlLogPlace{false, LogPlaceTarget::Dir, "/l"},
                               CtlLogPlace{true, LogPlaceTarget::Stderr, ""}}) {
    auto r = decode_ctl_reply(encode_ctl_reply(p));
    CHECK_TRUE_TEXT(r.ok(), p.dir.c_str());
    CHECK_TRUE(std::get<CtlLogPlace>(*r) == p);
  }
  CHECK_TRUE(decode_ctl_reply(place_record(1, 1, "/d")).ok());
  CHECK_FALSE(decode_ctl_reply(place_record(2, 1, "/d")).ok());   // captured neither 0 nor 1
  CHECK_FALSE(decode_ctl_reply(place_record(1, 0, "/d")).ok());   // no such target
  CHECK_FALSE(decode_ctl_reply(place_record(1, 3, "/d")).ok());
  CHECK_FALSE(decode_ctl_reply(place_record(1, 2, "/d")).ok());   // stderr with a directory
  CHECK_FALSE(decode_ctl_reply(place_record(1, 1, "")).ok());     // a directory without one
  CHECK_FALSE(decode_ctl_reply(place_record(1, 1, "rel")).ok());  // relative
  CHECK_FALSE(decode_ctl_reply(place_record(1, 1, std::string("/a\0b", 4))).ok());
}
