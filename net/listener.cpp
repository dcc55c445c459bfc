#include "net/listener.hpp"

#include "common/datagram_mac.hpp"

namespace pmtr {
namespace {

constexpr const char* kDropNames[] = {"unsigned",          "bad signature", "clock more than 30 s off", "replayed",
                                      "nonce cache full",  "not understood", "unknown job"};
static_assert(std::size(kDropNames) == static_cast<size_t>(Drop::Count));

constexpr std::string_view kSignedPrefix = "pmtr-sig1 ";

}  // namespace

void Listener::count(Drop why, std::string_view from, std::string_view detail) {
  ++counts_[static_cast<size_t>(why)];
  if (!example_.empty()) return;
  example_ = std::string(kDropNames[static_cast<size_t>(why)]) + " from " + std::string(from);
  if (!detail.empty()) example_ += ": " + std::string(detail);
}

void Listener::handle(std::string_view datagram, std::string_view from, int64_t unix_now, std::vector<ListenOp>& out) {
  std::string_view body = datagram;
  if (!key_.empty()) {
    if (datagram.substr(0, kSignedPrefix.size()) != kSignedPrefix) return count(Drop::Unsigned, from);
    auto v = verify_datagram(key_, datagram);
    if (!v) return count(Drop::BadSignature, from, v.error().message());
    if (v->timestamp > unix_now + kClockSkewSeconds || v->timestamp < unix_now - kClockSkewSeconds)
      return count(Drop::Clock, from);
    switch (nonces_->check_and_add(v->nonce, unix_now)) {
      case NonceCheck::Fresh: break;
      case NonceCheck::Replayed: return count(Drop::Replayed, from);
      case NonceCheck::Full: return count(Drop::NoncesFull, from);
    }
    body = v->body;
  }
  ListenParse p = parse_listen_datagram(body);
  if (!p.problems.empty()) count(Drop::NotUnderstood, from, p.problems.front());
  for (auto& op : p.ops) out.push_back(std::move(op));
}

std::string Listener::take_summary() {
  std::string line;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    line += (line.empty() ? "" : ", ") + std::to_string(counts_[i]) + " " + kDropNames[i];
    counts_[i] = 0;
  }
  if (line.empty()) return line;
  line = "dropped: " + line + " (first: " + example_ + ")";
  example_.clear();
  return line;
}

}  // namespace pmtr
