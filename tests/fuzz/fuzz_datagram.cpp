// libFuzzer target for the text that pmtr-net and `pmtrctl listen` read
// from the network: arbitrary bytes into parse_report, parse_listen_datagram
// and verify_datagram (under a fixed key).  A parsed report must format
// back to the same bytes and parse to the same report; listen ops carry
// only valid names, problems are bounded one-liners without control bytes;
// a datagram that verifies must be what sign_datagram makes of its parts.
// The same bytes also go to decode_net_message, the monitor's decoder of
// what pmtr-net sends (a pmtr-net taken over by a datagram sends anything):
// a record that decodes must encode back to the same bytes.
// Seed corpus: tests/fuzz/corpus/fuzz_datagram/.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <algorithm>

#include "common/datagram_mac.hpp"
#include "common/job_check.hpp"
#include "common/listen_request.hpp"
#include "common/net_messages.hpp"
#include "common/udp_report.hpp"

namespace {

using namespace pmtr;

void require(bool ok) {
  if (!ok) std::abort();
}

// The key of the seed's signed datagram: 32 bytes 0x00..0x1f.
std::span<const std::byte> key() {
  static const auto k = [] {
    std::array<std::byte, 32> a{};
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::byte>(i);
    return a;
  }();
  return k;
}

bool has_control(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  require(init_mac_library().ok());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (const Result<Report> r = parse_report(in); r) {
    const auto again = format_report(r.value());
    // Whatever parsed fits one datagram when formatted again.
    require(again.size() == 1 && again[0] == in);
    const Result<Report> back = parse_report(again[0]);
    require(back.ok() && back.value() == r.value());
    for (const ReportRow& row : r->rows) require(valid_job_name(row.name) && !has_control(row.argv0));
  } else {
    require(!r.error().what.empty());
  }

  const ListenParse l = parse_listen_datagram(in);
  require(l.ops.size() <= kListenNamesMax);
  for (const ListenOp& op : l.ops) require(valid_job_name(op.name));
  for (const std::string& p : l.problems) require(!p.empty() && p.size() < 128 && !has_control(p));

  if (const Result<SignedDatagram> v = verify_datagram(key(), in); v) {
    require(sign_datagram(key(), v->timestamp, v->nonce, v->body) == in);
  } else {
    const std::string& why = v.error().what;
    require(!why.empty() && why.size() < 40);
  }

  const auto bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size);
  if (const Result<NetMessage> m = decode_net_message(bytes); m) {
    const std::vector<std::byte> again = encode_net_message(m.value());
    require(std::equal(again.begin(), again.end(), bytes.begin(), bytes.end()));
  }
  return 0;
}
