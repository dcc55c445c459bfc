#include "parser/encoded_jobs.hpp"

#include <cstring>
#include <stdexcept>

#include "common/job_layout.hpp"
#include "common/messages.hpp"
#include "common/wire.hpp"
#include "parser/layout_cursor.hpp"

namespace pmtr {
namespace {

// put_job_layout() ends with the four source positions, two u32 each;
// the definition key is the encoding with these zeroed.
constexpr size_t kPositionBytes = 4 * 2 * sizeof(uint32_t);

}  // namespace

void EncodedJobs::reserve(size_t jobs, size_t bytes) {
  ends_.reserve(jobs);
  bytes_.reserve(bytes);
}

void EncodedJobs::add(const JobDesc& job) {
  const size_t n = encoded_job_size(job);
  const size_t at = bytes_.size();
  bytes_.resize(at + n);
  LayoutCursor w(bytes_.data() + at, bytes_.data() + at + n);
  put_job_layout(w, job, /*with_positions=*/true);
  // The same layout and the same count: a mismatch is a bug in a writer,
  // and the parser stops rather than send a wrong record.
  if (!w.filled()) throw std::logic_error("job encoding out of step with encoded_job_size");
  ends_.push_back(at + n);
}

std::string_view EncodedJobs::name(size_t i) const noexcept {
  const std::span<const std::byte> j = job(i);
  WireReader r(j);
  const uint32_t len = r.u32();
  if (!r.ok() || len > j.size() - 4) return {};
  return std::string_view(reinterpret_cast<const char*>(j.data()) + 4, len);
}

void EncodedJobs::definition_key(size_t i, std::string& key) const {
  const std::span<const std::byte> j = job(i);
  key.assign(reinterpret_cast<const char*>(j.data()), j.size());
  if (key.size() >= kPositionBytes) std::memset(key.data() + key.size() - kPositionBytes, 0, kPositionBytes);
}

Result<JobDesc> EncodedJobs::decode(size_t i) const {
  // The monitor's own decoder: it reads the positions too.
  const std::span<const std::byte> j = job(i);
  return decode_job_definition(std::string_view(reinterpret_cast<const char*>(j.data()), j.size()));
}

}  // namespace pmtr
