// Signed datagrams: the exact layout, a MAC computed offline with
// Python's hmac module, and rejection of every tampered or malformed part.
#include "common/datagram_mac.hpp"

#include <string>
#include <vector>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::vector<std::byte> bytes(std::string_view s) {
  std::vector<std::byte> v;
  for (const char c : s) v.push_back(static_cast<std::byte>(c));
  return v;
}

std::vector<std::byte> key32() {
  std::vector<std::byte> k;
  for (int i = 0; i < 32; ++i) k.push_back(static_cast<std::byte>(i));
  return k;
}

Nonce counting_nonce() {
  Nonce n{};
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(i);
  return n;
}

std::string reason(const std::vector<std::byte>& key, std::string_view d) {
  const Result<SignedDatagram> r = verify_datagram(key, d);
  return r ? "ok" : r.error().what;
}

// python3 -c 'import hmac,hashlib; print(hmac.new(bytes(range(32)),
//   b"pmtr-sig1 1700000000 000102030405060708090a0b0c0d0e0f\nenable web", hashlib.sha256).hexdigest())'
const char* const kSigned =
    "pmtr-sig1 1700000000 000102030405060708090a0b0c0d0e0f "
    "a0532506c1aadbc6cbbf7256a29d823e6b44bfdfb3d61b56f942b28592ce6afa\nenable web";

}  // namespace

TEST_GROUP(DatagramMac) {
  void setup() override { CHECK_TRUE(init_mac_library().ok()); }
};

TEST(DatagramMac, KnownVector) {
  STRCMP_EQUAL(kSigned, sign_datagram(key32(), 1700000000, counting_nonce(), "enable web").c_str());
}

// The RFC 4231 case 2 key ("Jefe"): short keys are the caller's to refuse,
// the MAC takes any length.
TEST(DatagramMac, AnyKeyLength) {
  // python3 -c 'import hmac,hashlib; print(hmac.new(b"Jefe", b"pmtr-sig1 0 " + b"00"*16 +
  //   b"\nwhat do ya want for nothing?", hashlib.sha256).hexdigest())'
  const std::string d = sign_datagram(bytes("Jefe"), 0, Nonce{}, "what do ya want for nothing?");
  STRCMP_EQUAL("pmtr-sig1 0 00000000000000000000000000000000 "
               "a2b65646abb892876ace651fe98ec4a3c87c4010773b085e4b2926e68d506731\nwhat do ya want for nothing?",
               d.c_str());
  CHECK_TRUE(verify_datagram(bytes("Jefe"), d).ok());
}

TEST(DatagramMac, RoundTrip) {
  const Nonce n = random_nonce();
  const std::string d = sign_datagram(key32(), 1765000000, n, "disable a b");
  const Result<SignedDatagram> r = verify_datagram(key32(), d);
  CHECK_TRUE(r.ok());
  CHECK_EQUAL(1765000000, r->timestamp);
  CHECK_TRUE(r->nonce == n);
  STRCMP_EQUAL("disable a b", std::string(r->body).c_str());
  CHECK_TRUE(verify_datagram(key32(), sign_datagram(key32(), 0, n, "")).ok());
}

TEST(DatagramMac, RandomNoncesDiffer) { CHECK_FALSE(random_nonce() == random_nonce()); }

TEST(DatagramMac, WrongKeyTamperedBodyOrMac) {
  std::vector<std::byte> other = key32();
  other[31] = std::byte{0xff};
  STRCMP_EQUAL("bad MAC", reason(other, kSigned).c_str());
  std::string d = kSigned;
  d.back() = 'x';
  STRCMP_EQUAL("bad MAC", reason(key32(), d).c_str());
  STRCMP_EQUAL("bad MAC", reason(key32(), std::string(kSigned) + " x").c_str());
  d = kSigned;
  d[60] = d[60] == '0' ? '1' : '0';   // in the MAC
  STRCMP_EQUAL("bad MAC", reason(key32(), d).c_str());
  d = kSigned;
  d[12] = '8';   // the timestamp
  STRCMP_EQUAL("bad MAC", reason(key32(), d).c_str());
  d = kSigned;
  d[25] = 'f';   // the nonce
  STRCMP_EQUAL("bad MAC", reason(key32(), d).c_str());
}

TEST(DatagramMac, BadLayout) {
  const std::string mac(64, 'a'), nonce(32, '0');
  const auto r = [&](const std::string& line) { return reason(key32(), line + "\nenable web"); };
  STRCMP_EQUAL("no signature line", reason(key32(), "enable web").c_str());
  STRCMP_EQUAL("no signature line", r("pmtr-sig2 1 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad signature line", r("pmtr-sig1 1").c_str());
  STRCMP_EQUAL("bad signature line", r("pmtr-sig1 1 " + nonce).c_str());
  STRCMP_EQUAL("bad timestamp", r("pmtr-sig1 01 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad timestamp", r("pmtr-sig1 -1 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad timestamp", r("pmtr-sig1 +1 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad timestamp", r("pmtr-sig1  " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad timestamp", r("pmtr-sig1 9223372036854775808 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad MAC", r("pmtr-sig1 9223372036854775807 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad MAC", r("pmtr-sig1 0 " + nonce + " " + mac).c_str());
  STRCMP_EQUAL("bad nonce", r("pmtr-sig1 1 " + std::string(31, '0') + " " + mac).c_str());
  STRCMP_EQUAL("bad nonce", r("pmtr-sig1 1 " + std::string(32, 'A') + " " + mac).c_str());
  STRCMP_EQUAL("bad nonce", r("pmtr-sig1 1 " + std::string(32, 'g') + " " + mac).c_str());
  STRCMP_EQUAL("bad MAC field", r("pmtr-sig1 1 " + nonce + " " + std::string(63, 'a')).c_str());
  STRCMP_EQUAL("bad MAC field", r("pmtr-sig1 1 " + nonce + " " + std::string(64, 'A')).c_str());
  STRCMP_EQUAL("bad MAC field", r("pmtr-sig1 1 " + nonce + " " + mac + " ").c_str());
  STRCMP_EQUAL("bad MAC field", r("pmtr-sig1 1 " + nonce + "  " + mac).c_str());
  STRCMP_EQUAL("bad MAC field", r("pmtr-sig1 1 " + nonce + " " + mac + "\r").c_str());
}

TEST(DatagramMac, EveryTruncationIsRejected) {
  const std::string d = kSigned;
  const size_t body_at = d.find('\n') + 1;
  for (size_t n = 0; n < d.size(); ++n) {
    const Result<SignedDatagram> r = verify_datagram(key32(), d.substr(0, n));
    CHECK_FALSE(r.ok());
    // The error never echoes the datagram.
    if (n >= body_at) STRCMP_EQUAL("bad MAC", r.error().what.c_str());
  }
}
