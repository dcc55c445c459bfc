#include "common/datagram_mac.hpp"

#include <sodium.h>

#include <charconv>
#include <limits>

namespace pmtr {
namespace {

constexpr std::string_view kPrefix = "pmtr-sig1 ";
constexpr size_t kMacBytes = crypto_auth_hmacsha256_BYTES;
static_assert(kMacBytes == 32, "crypto_verify_32 compares the whole MAC");
constexpr size_t kTimestampDigitsMax = 19;   // INT64_MAX
constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 0xf];
  }
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;   // uppercase too: one spelling per MAC
}

// Exactly 2 * n lowercase hex digits into out.
bool parse_hex(std::string_view s, uint8_t* out, size_t n) noexcept {
  if (s.size() != 2 * n) return false;
  for (size_t i = 0; i < n; ++i) {
    const int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

bool parse_timestamp(std::string_view s, int64_t& out) noexcept {
  if (s.empty() || s.size() > kTimestampDigitsMax || (s.size() > 1 && s[0] == '0')) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

using Mac = std::array<uint8_t, kMacBytes>;

// HMAC-SHA256 of the signed part ("pmtr-sig1 TS NONCE\n") and the body,
// fed in two pieces so that the datagram is never copied.
Mac mac_of(std::span<const std::byte> key, std::string_view head, std::string_view body) {
  crypto_auth_hmacsha256_state st;
  Mac mac{};
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(head.data()), head.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, mac.data());
  sodium_memzero(&st, sizeof st);
  return mac;
}

}  // namespace

Status init_mac_library() {
  if (sodium_init() < 0) return Error{0, "libsodium could not start (sodium_init failed)"};
  return {};
}

Nonce random_nonce() {
  Nonce n{};
  randombytes_buf(n.data(), n.size());
  return n;
}

std::string sign_datagram(std::span<const std::byte> key, int64_t unix_seconds, const Nonce& nonce,
                          std::string_view body) {
  // The layout has no sign: a clock before 1970 signs as 0 (and fails the
  // receiver's clock check, as it should).
  std::string head(kPrefix);
  head += std::to_string(unix_seconds < 0 ? 0 : unix_seconds);
  head += ' ';
  append_hex(head, nonce.data(), nonce.size());
  const size_t mac_at = head.size();
  head += '\n';
  const Mac mac = mac_of(key, head, body);
  std::string out = head.substr(0, mac_at);
  out += ' ';
  append_hex(out, mac.data(), mac.size());
  out += '\n';
  out += body;
  return out;
}

Result<SignedDatagram> verify_datagram(std::span<const std::byte> key, std::string_view datagram) {
  const size_t nl = datagram.find('\n');
  if (nl == std::string_view::npos) return Error{0, "no signature line"};
  const std::string_view line = datagram.substr(0, nl);
  if (!line.starts_with(kPrefix)) return Error{0, "no signature line"};
  std::string_view rest = line.substr(kPrefix.size());
  const size_t sp1 = rest.find(' ');
  if (sp1 == std::string_view::npos) return Error{0, "bad signature line"};
  SignedDatagram d;
  if (!parse_timestamp(rest.substr(0, sp1), d.timestamp)) return Error{0, "bad timestamp"};
  rest = rest.substr(sp1 + 1);
  const size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos) return Error{0, "bad signature line"};
  if (!parse_hex(rest.substr(0, sp2), d.nonce.data(), d.nonce.size())) return Error{0, "bad nonce"};
  Mac given{};
  if (!parse_hex(rest.substr(sp2 + 1), given.data(), given.size())) return Error{0, "bad MAC field"};
  // The signed part is the line without " MAC", with its newline.
  const size_t mac_field = kMacBytes * 2 + 1;
  std::string head(line.substr(0, line.size() - mac_field));
  head += '\n';
  d.body = datagram.substr(nl + 1);
  const Mac expected = mac_of(key, head, d.body);
  if (crypto_verify_32(expected.data(), given.data()) != 0) return Error{0, "bad MAC"};
  return d;
}

}  // namespace pmtr
