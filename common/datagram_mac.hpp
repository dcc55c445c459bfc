// Signed datagrams for `listen on ... key FILE` (pmtr(8) SIGNED DATAGRAMS):
//   pmtr-sig1 TIMESTAMP NONCE MAC\n BODY
// TIMESTAMP: Unix seconds, decimal; NONCE: 16 random bytes as 32 lowercase
// hex digits; MAC: HMAC-SHA256 under the key of everything but the MAC
// field, i.e. of "pmtr-sig1 TIMESTAMP NONCE\n" followed by BODY, as 64
// lowercase hex digits.  BODY is the original pmtr's text ("enable web").
// The MAC comes from libsodium (crypto_auth_hmacsha256), never from us;
// this file is linked only into pmtr-net and pmtrctl.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace pmtr {

inline constexpr size_t kKeyBytesMin = 32;
inline constexpr size_t kKeyBytesMax = 4096;
inline constexpr size_t kNonceBytes = 16;
using Nonce = std::array<uint8_t, kNonceBytes>;

struct SignedDatagram {
  int64_t timestamp = 0;
  Nonce nonce{};
  std::string_view body;   // points into the datagram
};

// False (with the library's reason) when libsodium cannot start.
[[nodiscard]] Status init_mac_library();

[[nodiscard]] std::string sign_datagram(std::span<const std::byte> key, int64_t unix_seconds, const Nonce& nonce,
                                        std::string_view body);
// A fresh random nonce (libsodium's randombytes).
[[nodiscard]] Nonce random_nonce();

// Checks the layout and the MAC (in constant time); the caller checks the
// clock and the nonce.  The error says which part is wrong ("no signature
// line", "bad MAC", ...), never echoing the datagram.
[[nodiscard]] Result<SignedDatagram> verify_datagram(std::span<const std::byte> key, std::string_view datagram);

}  // namespace pmtr
