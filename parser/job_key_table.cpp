#include "parser/job_key_table.hpp"

#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "common/job_layout.hpp"
#include "common/messages.hpp"
#include "parser/siphash.hpp"

namespace pmtr {
namespace {

// Fixed, and public: see the header for why no secret is needed.
constexpr SipKey kDigestKey = {'p', 'm', 't', 'r', ' ', 'j', 'o', 'b',
                               ' ', 'k', 'e', 'y', 's', ' ', 'v', '1'};

// Writes what WireWriter would (common/job_layout.hpp walks it): little-
// endian integers, strings as a u32 length and their bytes, into room sized
// beforehand.  Never past its end: a write that would not fit is dropped
// and the cursor marked as overrun.
class KeyCursor {
 public:
  KeyCursor(char* at, char* end) noexcept : at_(at), end_(end) {}
  void u8(uint8_t v) noexcept { le(v); }
  void u16(uint16_t v) noexcept { le(v); }
  void u32(uint32_t v) noexcept { le(v); }
  void i32(int32_t v) noexcept { le(static_cast<uint32_t>(v)); }
  void u64(uint64_t v) noexcept { le(v); }
  void boolean(bool v) noexcept { le(static_cast<uint8_t>(v ? 1 : 0)); }
  void str(std::string_view s) noexcept {
    le(static_cast<uint32_t>(s.size()));
    if (s.empty() || !room(s.size())) return;
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  // Every byte written, and exactly the room there was.
  [[nodiscard]] bool filled() const noexcept { return !overrun_ && at_ == end_; }

 private:
  template <typename T>
  void le(T v) noexcept {
    static_assert(std::is_unsigned_v<T>);
    if (!room(sizeof(T))) return;
    for (size_t i = 0; i < sizeof(T); ++i) *at_++ = static_cast<char>(v >> (8 * i));
  }
  bool room(size_t n) noexcept {
    if (overrun_ || static_cast<size_t>(end_ - at_) < n) overrun_ = true;
    return !overrun_;
  }
  char* at_;
  char* end_;
  bool overrun_ = false;
};

}  // namespace

DefinitionDigest digest_definition_key(std::string_view key) noexcept {
  return siphash_2_4_128(key, kDigestKey);
}

DefinitionDigest DefinitionDigester::operator()(const JobDesc& j) {
  // The definition key's bytes (put_job_layout without positions) into
  // exactly encoded_job_size(j) bytes, with no allocation once key_ has
  // grown to the largest job.
  key_.resize(encoded_job_size(j));
  KeyCursor k(key_.data(), key_.data() + key_.size());
  put_job_layout(k, j, /*with_positions=*/false);
  // The same layout and the same count: a mismatch is a bug in a writer,
  // and the parser stops rather than compare wrong keys.
  if (!k.filled()) throw std::logic_error("definition key layout out of step with put_job");
  return digest_definition_key(key_);
}

void JobKeyTable::reserve(size_t jobs, size_t name_bytes) {
  entries_.reserve(jobs);
  names_.reserve(name_bytes);
}

void JobKeyTable::add(std::string_view name, const DefinitionDigest& digest) {
  // Offsets and entry numbers are 32-bit; names are at most
  // limits::kNameBytes and jobs limits::kJobs, far below.
  constexpr size_t kMax = std::numeric_limits<uint32_t>::max() - 1;
  if (name.size() > kMax - names_.size() || entries_.size() >= kMax)
    throw std::length_error("job key table too large");
  names_.append(name);
  entries_.push_back(Entry{static_cast<uint32_t>(names_.size()), digest});
}

void JobKeyTable::shrink_to_fit() {
  names_.shrink_to_fit();
  entries_.shrink_to_fit();
}

void JobKeyTable::clear() noexcept {
  std::string().swap(names_);
  std::vector<Entry>().swap(entries_);
}

size_t JobKeyTable::heap_bytes() const noexcept {
  // A std::string's capacity within its object (short names) costs nothing.
  const size_t names = names_.capacity() > std::string().capacity() ? names_.capacity() + 1 : 0;
  return names + entries_.capacity() * sizeof(Entry);
}

JobKeyIndex::JobKeyIndex(const JobKeyTable& table) : table_(table) {
  if (table.empty()) return;
  slots_.assign(std::bit_ceil(2 * table.size()), 0);
  mask_ = slots_.size() - 1;
  for (size_t i = 0; i < table.size(); ++i) {
    const std::string_view name = table.name(i);
    size_t at = std::hash<std::string_view>{}(name) & mask_;
    for (; slots_[at] != 0; at = (at + 1) & mask_)
      if (table.name(slots_[at] - 1) == name) break;   // a repeat: the first one stays
    if (slots_[at] == 0) slots_[at] = static_cast<uint32_t>(i + 1);
  }
}

size_t JobKeyIndex::find(std::string_view name) const noexcept {
  if (slots_.empty()) return JobKeyTable::npos;
  for (size_t at = std::hash<std::string_view>{}(name) & mask_; slots_[at] != 0; at = (at + 1) & mask_)
    if (table_.name(slots_[at] - 1) == name) return slots_[at] - 1;
  return JobKeyTable::npos;
}

}  // namespace pmtr
