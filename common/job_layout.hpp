// The wire layout of a job descriptor, written down once.  Three writers
// walk it: WireWriter (the encoding itself, common/messages.cpp), a byte
// counter (encoded_job_size: batches are packed without encoding twice)
// and the parser's digester (parser/job_key_table.cpp: the definition key
// hashed without allocating).  Each has the methods used below: u8, u16,
// u32, i32, u64, boolean, str.  The reader (get_job in messages.cpp) is
// the one other place that knows the order; the codec tests round-trip
// every field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"

namespace pmtr {

inline constexpr uint8_t kJobFlagWait = 1, kJobFlagOnce = 2, kJobFlagDisabled = 4, kJobFlagWaitReady = 8;

template <typename Writer>
void put_string_list(Writer& w, const std::vector<std::string>& v) {
  w.u32(static_cast<uint32_t>(v.size()));
  for (const auto& s : v) w.str(s);
}

template <typename Writer>
void put_source_pos(Writer& w, const SourcePos& p) {
  w.u32(p.line);
  w.u32(p.col);
}

// with_positions false: the four source positions are written as zeros
// (the definition key, where moving a block changes nothing).
template <typename Writer>
void put_job_layout(Writer& w, const JobDesc& j, bool with_positions) {
  w.str(j.name);
  put_string_list(w, j.argv);
  w.str(j.dir);
  w.str(j.in);
  w.str(j.out);
  w.str(j.err);
  w.str(j.user);
  put_string_list(w, j.env);
  w.boolean(j.has_nice);
  w.i32(j.nice);
  w.u32(static_cast<uint32_t>(j.cpus.size()));
  for (uint16_t c : j.cpus) w.u16(c);
  w.u32(static_cast<uint32_t>(j.ulimits.size()));
  for (const auto& u : j.ulimits) {
    w.u8(u.resource);
    w.u64(u.value);
  }
  w.u32(j.bounce_seconds);
  put_string_list(w, j.depends);
  w.i32(j.order);
  w.u8(static_cast<uint8_t>((j.wait ? kJobFlagWait : 0) | (j.once ? kJobFlagOnce : 0) |
                            (j.disabled ? kJobFlagDisabled : 0) | (j.wait_ready ? kJobFlagWaitReady : 0)));
  const LifecyclePolicy& p = j.policy;
  w.u8(static_cast<uint8_t>(p.restart));
  w.u32(p.backoff_min_ms);
  w.u32(p.backoff_max_ms);
  w.u32(p.stable_after_ms);
  w.u32(p.give_up_count);
  w.u32(p.give_up_window_ms);
  w.u8(p.stop_signal);
  w.u32(p.stop_timeout_ms);
  w.u16(p.ready_fd);
  w.u32(p.ready_timeout_ms);
  put_string_list(w, j.operators);
  const Confinement& c = j.confine;
  w.boolean(c.has_umask);
  w.u16(c.umask);
  w.str(c.group);
  w.boolean(c.set_groups);
  put_string_list(w, c.groups);
  w.boolean(c.set_caps);
  w.u32(static_cast<uint32_t>(c.caps.size()));
  for (uint8_t cap : c.caps) w.u8(cap);
  w.boolean(c.nonewprivs);
  w.u64(c.memory_max);
  w.boolean(c.has_swap_max);
  w.u64(c.swap_max);
  w.u32(c.tasks_max);
  w.u32(c.cpu_percent);
  w.boolean(j.log);
  const SourcePos none;
  put_source_pos(w, with_positions ? j.pos : none);
  put_source_pos(w, with_positions ? j.cmd_pos : none);
  put_source_pos(w, with_positions ? j.dir_pos : none);
  put_source_pos(w, with_positions ? j.user_pos : none);
}

// Counts what a WireWriter would write.
class ByteCounter {
 public:
  void u8(uint8_t) noexcept { n_ += 1; }
  void u16(uint16_t) noexcept { n_ += 2; }
  void u32(uint32_t) noexcept { n_ += 4; }
  void i32(int32_t) noexcept { n_ += 4; }
  void u64(uint64_t) noexcept { n_ += 8; }
  void boolean(bool) noexcept { n_ += 1; }
  void str(const std::string& s) noexcept { n_ += 4 + s.size(); }
  [[nodiscard]] size_t bytes() const noexcept { return n_; }

 private:
  size_t n_ = 0;
};

}  // namespace pmtr
