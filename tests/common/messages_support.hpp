// The monitor <-> parser record layout, written out by hand from
// messages.hpp, for the codec tests (messages_layout_test.cpp,
// messages_test.cpp).  Independent of put_job, so a change of
// field order or width in the codec shows up as a layout mismatch; the
// overrides write lying counts and out-of-range bytes the real encoder
// never would.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/messages.hpp"
#include "common/wire.hpp"

namespace pmtr::test {

struct JobOverrides {
  std::optional<uint32_t> argc, envc, ncpu, nlim, ndep;
  std::optional<uint8_t> has_nice, flags, restart;
};

void layout_strings(WireWriter& w, const std::vector<std::string>& v, std::optional<uint32_t> n);

void layout_job(WireWriter& w, const JobDesc& j, const JobOverrides& o = {});

// A TableJob record of one job, with overrides.
std::vector<std::byte> job_record(const JobDesc& j, const JobOverrides& o);

// A decoded record must be the canonical encoding of what it decoded to:
// then nothing the monitor acts on can differ from what was on the wire.
bool decodes_canonically(std::span<const std::byte> rec);

// The one job of a one-job batch.
const JobDesc& job_of(const Message& m);

}  // namespace pmtr::test
