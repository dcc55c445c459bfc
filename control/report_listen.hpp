// `pmtrctl listen`: binds udp://ADDR:PORT and prints every datagram that
// arrives (control/report_table.hpp), each written out at once so that
// the output can be piped.
#pragma once

#include <cstdint>

#include "common/result.hpp"
#include "control/udp_url.hpp"

namespace pmtr::ctl {

// Runs until `count` datagrams were printed (0: for ever).  An error is a
// failed bind or a failed write; a datagram that is not a report is not.
[[nodiscard]] Status listen_reports(const UdpUrl& at, uint64_t count, int out_fd);

}  // namespace pmtr::ctl
