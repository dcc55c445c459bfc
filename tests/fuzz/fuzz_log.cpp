// libFuzzer target for what pmtr-log decodes or formats from input it does
// not trust: the monitor's records (decode_log_message, which must never
// crash or accept a record it cannot re-encode identically), and any
// bytes a job writes (format_records, whose records must cover exactly
// the bytes they consume, none longer than the cap).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "common/log_messages.hpp"
#include "logger/record_format.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzz_records(std::string_view in, bool flush, size_t cap) {
  std::string out;
  bool mid = false;
  const pmtr::RecordHeads heads{"H ", "H+"};
  const size_t consumed = pmtr::format_records(in, heads, flush, mid, out, cap);
  check(consumed <= in.size());
  if (flush && cap == SIZE_MAX) check(consumed == in.size());
  // Removing the heads and the record newlines gives back the consumed
  // bytes, newlines of whole lines restored.
  std::string back;
  size_t pos = 0;
  bool cont = false;
  while (pos < out.size()) {
    check(out.compare(pos, 1, "H") == 0);
    const bool is_cont = out[pos + 1] == '+';
    check(is_cont == cont);
    const size_t nl = out.find('\n', pos + 2);
    check(nl != std::string::npos);
    const std::string_view text(out.data() + pos + 2, nl - pos - 2);
    check(text.size() <= pmtr::kMaxRecordBytes);
    back.append(text);
    // A record ends its line when the input had a newline there.
    const size_t at = back.size();
    cont = !(at < consumed && in[at] == '\n');
    if (!cont) back.push_back('\n');
    pos = nl + 1;
  }
  check(std::string_view(back) == in.substr(0, consumed));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto* bytes = reinterpret_cast<const std::byte*>(data + 1);
  if (data[0] & 1) {
    auto m = pmtr::decode_log_message(std::span<const std::byte>(bytes, size - 1));
    if (m) {
      const auto again = pmtr::encode_log_message(*m);
      check(again.size() == size - 1 && std::equal(again.begin(), again.end(), bytes));
    }
    return 0;
  }
  fuzz_records(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), (data[0] & 2) != 0,
               (data[0] & 4) ? 64 : SIZE_MAX);
  return 0;
}
