// The UDP sockets of `report to` and `listen on`, made by the monitor (as
// root: any port, and the @iface's address) and handed to pmtr-net, which
// alone reads or writes a datagram.  No name is resolved here: a report
// socket is dual stack (IPv6 with v4-mapped addresses) so that pmtr-net
// can send to whatever a name resolves to; an @iface report is IPv4
// multicast out of that interface, as in the original pmtr.
#pragma once

#include <string>

#include "common/job.hpp"
#include "common/result.hpp"
#include "common/unique_fd.hpp"

namespace pmtr {

struct ReportSocket {
  unique_fd fd;
  std::string ip;   // the @iface's IPv4 address (the report line's second word), or empty
};

[[nodiscard]] Result<ReportSocket> open_report_socket(const UdpAddress& to);
// Bound to the numeric address; non-blocking, close-on-exec.
[[nodiscard]] Result<unique_fd> open_listen_socket(const UdpAddress& on);

// udp://HOST:PORT[@iface], for messages.
[[nodiscard]] std::string udp_address_text(const UdpAddress& a);

}  // namespace pmtr
