// common/control_messages: the job records of a StatusJobs reply with and
// without cgroup figures; every encoding round-trips, encoded_status_size
// matches what is written (the monitor packs batches by it), and a
// truncated or inconsistent record is rejected, never half-read.
#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "common/control_messages.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

std::vector<JobStatus> samples() {
  JobStatus plain;
  plain.name = "plain";
  plain.state = PublicState::Running;
  plain.pid = 42;
  plain.has_ready_fd = true;
  JobStatus cpu_only = plain;
  cpu_only.name = "cpu";
  cpu_only.has_cgroup = true;
  cpu_only.cpu_usec = 0xFFFFFFFFFFull;
  JobStatus memory = cpu_only;
  memory.name = "memory";
  memory.memory_bytes = 512ull << 20;
  JobStatus tasks = cpu_only;
  tasks.name = "tasks";
  tasks.has_ready_fd = false;
  tasks.tasks = 5;
  JobStatus all = memory;
  all.name = "all";
  all.tasks = 0;   // a present zero is not an absent figure
  return {plain, cpu_only, memory, tasks, all};
}

std::vector<std::byte> encoded(const JobStatus& s) { return encode_ctl_reply(CtlStatusJobs{{s}}); }

// The header of a StatusJobs record: version, type, u32 count.
constexpr size_t kHeader = 1 + 1 + 4;

}  // namespace

TEST_GROUP(ControlStatus){};

TEST(ControlStatus, EveryShapeRoundTripsAndIsSizedExactly) {
  for (const JobStatus& s : samples()) {
    const auto rec = encoded(s);
    CHECK_EQUAL_TEXT(kHeader + encoded_status_size(s), rec.size(), s.name.c_str());
    auto back = decode_ctl_reply(rec);
    CHECK_TRUE_TEXT(back.ok(), s.name.c_str());
    if (!back) continue;
    const auto* jobs = std::get_if<CtlStatusJobs>(&*back);
    CHECK_TRUE(jobs != nullptr);
    if (jobs == nullptr || jobs->jobs.size() != 1) continue;
    CHECK_TRUE_TEXT(jobs->jobs[0] == s, s.name.c_str());
  }
}

TEST(ControlStatus, EveryTruncationIsRejected) {
  for (const JobStatus& s : samples()) {
    const auto rec = encoded(s);
    for (size_t n = 0; n < rec.size(); ++n) {
      const auto cut = std::vector<std::byte>(rec.begin(), rec.begin() + static_cast<std::ptrdiff_t>(n));
      CHECK_FALSE_TEXT(decode_ctl_reply(cut).ok(), (s.name + " cut at " + std::to_string(n)).c_str());
    }
  }
}

TEST(ControlStatus, FiguresWithoutACgroupAndUnknownFlagsAreRejected) {
  JobStatus s = samples()[0];
  s.has_ready_fd = false;
  auto rec = encoded(s);
  // The flags byte is the record's last.
  for (const unsigned flags : {4u, 8u, 12u, 16u, 0x80u}) {
    rec.back() = static_cast<std::byte>(flags);
    CHECK_FALSE_TEXT(decode_ctl_reply(rec).ok(), std::to_string(flags).c_str());
  }
  // With the cgroup flag the record is short of its CPU figure.
  rec.back() = std::byte{2};
  CHECK_FALSE(decode_ctl_reply(rec).ok());
}
