#include "tests/common/messages_support.hpp"

#include <algorithm>
#include <variant>

namespace pmtr::test {

void layout_strings(WireWriter& w, const std::vector<std::string>& v, std::optional<uint32_t> n) {
  w.u32(n.value_or(static_cast<uint32_t>(v.size())));
  for (const auto& s : v) w.str(s);
}

void layout_job(WireWriter& w, const JobDesc& j, const JobOverrides& o) {
  w.str(j.name);
  layout_strings(w, j.argv, o.argc);
  w.str(j.dir);
  w.str(j.in);
  w.str(j.out);
  w.str(j.err);
  w.str(j.user);
  layout_strings(w, j.env, o.envc);
  w.u8(o.has_nice.value_or(j.has_nice ? 1 : 0));
  w.i32(j.nice);
  w.u32(o.ncpu.value_or(static_cast<uint32_t>(j.cpus.size())));
  for (uint16_t c : j.cpus) w.u16(c);
  w.u32(o.nlim.value_or(static_cast<uint32_t>(j.ulimits.size())));
  for (const Ulimit& u : j.ulimits) {
    w.u8(u.resource);
    w.u64(u.value);
  }
  w.u32(j.bounce_seconds);
  layout_strings(w, j.depends, o.ndep);
  w.i32(j.order);
  w.u8(o.flags.value_or(static_cast<uint8_t>((j.wait ? 1 : 0) | (j.once ? 2 : 0) | (j.disabled ? 4 : 0) |
                                              (j.wait_ready ? 8 : 0))));
  const LifecyclePolicy& pol = j.policy;
  w.u8(o.restart.value_or(static_cast<uint8_t>(pol.restart)));
  w.u32(pol.backoff_min_ms);
  w.u32(pol.backoff_max_ms);
  w.u32(pol.stable_after_ms);
  w.u32(pol.give_up_count);
  w.u32(pol.give_up_window_ms);
  w.u8(pol.stop_signal);
  w.u32(pol.stop_timeout_ms);
  w.u16(pol.ready_fd);
  w.u32(pol.ready_timeout_ms);
  layout_strings(w, j.operators, std::nullopt);
  const Confinement& c = j.confine;
  w.u8(c.has_umask ? 1 : 0);
  w.u16(c.umask);
  w.str(c.group);
  w.u8(c.set_groups ? 1 : 0);
  layout_strings(w, c.groups, std::nullopt);
  w.u8(c.set_caps ? 1 : 0);
  w.u32(static_cast<uint32_t>(c.caps.size()));
  for (uint8_t cap : c.caps) w.u8(cap);
  w.u8(c.nonewprivs ? 1 : 0);
  w.u64(c.memory_max);
  w.u8(c.has_swap_max ? 1 : 0);
  w.u64(c.swap_max);
  w.u32(c.tasks_max);
  w.u32(c.cpu_percent);
  w.u8(j.log ? 1 : 0);
  for (const SourcePos* p : {&j.pos, &j.cmd_pos, &j.dir_pos, &j.user_pos}) {
    w.u32(p->line);
    w.u32(p->col);
  }
}

std::vector<std::byte> job_record(const JobDesc& j, const JobOverrides& o) {
  WireWriter w;
  w.u8(kProtocolVersion);
  w.u8(static_cast<uint8_t>(MsgType::TableJob));
  w.u32(1);
  layout_job(w, j, o);
  return w.take();
}

bool decodes_canonically(std::span<const std::byte> rec) {
  Result<Message> r = decode_message(rec);
  if (!r.ok()) return true;
  const auto again = encode_message(r.value());
  return again.size() == rec.size() && std::equal(again.begin(), again.end(), rec.begin());
}

const JobDesc& job_of(const Message& m) {
  if (const auto* t = std::get_if<MsgTableJob>(&m)) return t->jobs.at(0);
  if (const auto* a = std::get_if<MsgTxnAdd>(&m)) return a->jobs.at(0).job;
  return std::get<MsgTxnChange>(m).jobs.at(0).job;
}

}  // namespace pmtr::test
