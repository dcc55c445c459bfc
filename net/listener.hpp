// What pmtr-net makes of one `listen on` datagram: with a key, the
// signature, the clock and the nonce are checked first (pmtr(8) SIGNED
// DATAGRAMS); then the original pmtr's words.  Every datagram dropped, and
// every word not understood, is counted by reason; pmtr-net logs the
// counts at most once a second, so a flood costs one line a second.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/listen_request.hpp"
#include "net/nonce_cache.hpp"

namespace pmtr {

// A signed datagram's clock may differ from ours by this much.
inline constexpr int64_t kClockSkewSeconds = 30;

enum class Drop : uint8_t { Unsigned, BadSignature, Clock, Replayed, NoncesFull, NotUnderstood, UnknownJob, Count };

class Listener {
 public:
  // `key` empty: datagrams are taken unsigned, as the original pmtr does.
  Listener(std::span<const std::byte> key, NonceCache* nonces) noexcept : key_(key), nonces_(nonces) {}

  // Appends the datagram's requests to `out`; `from` names the sender in
  // the next summary.
  void handle(std::string_view datagram, std::string_view from, int64_t unix_now, std::vector<ListenOp>& out);
  void count(Drop why, std::string_view from, std::string_view detail = {});
  // One line for what was dropped since the last call; empty when nothing was.
  [[nodiscard]] std::string take_summary();

 private:
  std::span<const std::byte> key_;
  NonceCache* nonces_;
  std::array<uint64_t, static_cast<size_t>(Drop::Count)> counts_{};
  std::string example_;   // the first drop since the last summary: who, why
};

}  // namespace pmtr
