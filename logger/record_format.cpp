#include "logger/record_format.hpp"

#include <algorithm>
#include <cstring>

namespace pmtr {
namespace {

void put(std::string& out, const RecordHeads& h, bool& mid_line, std::string_view text, bool line_ends) {
  const std::string_view head = mid_line ? h.cont_head : h.head;
  const size_t at = out.size();
  out.resize(at + head.size() + text.size() + 1);
  char* p = out.data() + at;
  std::memcpy(p, head.data(), head.size());
  if (!text.empty()) std::memcpy(p + head.size(), text.data(), text.size());
  p[head.size() + text.size()] = '\n';
  mid_line = !line_ends;
}

}  // namespace

size_t format_records(std::string_view in, const RecordHeads& heads, bool flush_partial, bool& mid_line,
                      std::string& out, size_t max_out) {
  size_t pos = 0;
  const size_t start = out.size();
  const size_t head = std::max(heads.head.size(), heads.cont_head.size());
  while (pos < in.size()) {
    if (out.size() > start && out.size() + head + std::min(in.size() - pos, kMaxRecordBytes) + 1 > max_out) break;
    const void* nl = std::memchr(in.data() + pos, '\n', in.size() - pos);
    if (nl != nullptr) {
      const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - in.data());
      // The line's own pieces: all but the last are cut.
      while (end - pos > kMaxRecordBytes) {
        put(out, heads, mid_line, in.substr(pos, kMaxRecordBytes), false);
        pos += kMaxRecordBytes;
      }
      put(out, heads, mid_line, in.substr(pos, end - pos), true);
      pos = end + 1;
      continue;
    }
    // A last line without its newline: full pieces now; the remainder
    // only when flushing.
    while (in.size() - pos >= kMaxRecordBytes) {
      put(out, heads, mid_line, in.substr(pos, kMaxRecordBytes), false);
      pos += kMaxRecordBytes;
    }
    if (flush_partial && pos < in.size()) {
      put(out, heads, mid_line, in.substr(pos), false);
      pos = in.size();
    }
    break;
  }
  return pos;
}

}  // namespace pmtr
