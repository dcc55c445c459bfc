#include "parser/job_key_table.hpp"

#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "common/job_layout.hpp"
#include "common/messages.hpp"
#include "parser/layout_cursor.hpp"
#include "parser/siphash.hpp"

namespace pmtr {
namespace {

// Fixed, and public: see the header for why no secret is needed.
constexpr SipKey kDigestKey = {'p', 'm', 't', 'r', ' ', 'j', 'o', 'b',
                               ' ', 'k', 'e', 'y', 's', ' ', 'v', '1'};

}  // namespace

DefinitionDigest digest_definition_key(std::string_view key) noexcept {
  return siphash_2_4_128(key, kDigestKey);
}

DefinitionDigest DefinitionDigester::operator()(const JobDesc& j) {
  // The definition key's bytes (put_job_layout without positions) into
  // exactly encoded_job_size(j) bytes, with no allocation once key_ has
  // grown to the largest job.
  key_.resize(encoded_job_size(j));
  auto* const at = reinterpret_cast<std::byte*>(key_.data());
  LayoutCursor k(at, at + key_.size());
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
