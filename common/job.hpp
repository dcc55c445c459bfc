// The job descriptor: what one `job { ... }` block means, and the global
// statements.  Produced by the parser, carried over the wire, re-validated
// and owned by the monitor's job table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pmtr {

struct SourcePos {
  uint32_t line = 0;
  uint32_t col = 0;
  bool operator==(const SourcePos&) const = default;
};

struct Ulimit {
  uint8_t resource = 0;       // RLIMIT_* number
  uint64_t value = 0;         // RLIM_INFINITY for `infinity`; soft = hard
  bool operator==(const Ulimit&) const = default;
};

struct JobDesc {
  std::string name;
  std::vector<std::string> argv;      // argv[0] is the absolute executable path
  std::string dir = "/";
  std::string in;                     // empty: /dev/null; else relative to dir or absolute
  std::string out;
  std::string err;
  std::string user;                   // empty: pmtr's own user
  std::vector<std::string> env;       // VAR=VALUE, in file order
  bool has_nice = false;
  int32_t nice = 0;                   // -20..19
  std::vector<uint16_t> cpus;         // sorted, unique; empty: affinity untouched
  std::vector<Ulimit> ulimits;        // sorted by resource, one each
  uint32_t bounce_seconds = 0;        // 0: never
  std::vector<std::string> depends;   // absolute paths
  int32_t order = 0;
  bool wait = false;
  bool once = false;
  bool disabled = false;

  // Where the job and some of its options were written; diagnostics only,
  // never part of the definition (moving a block does not restart it).
  SourcePos pos;
  SourcePos cmd_pos;
  SourcePos dir_pos;
  SourcePos user_pos;
};

// True when the two describe the same job to run (positions ignored).
[[nodiscard]] bool same_definition(const JobDesc& a, const JobDesc& b) noexcept;

struct UdpAddress {
  std::string host;    // numeric IPv4 or IPv6, as written
  uint16_t port = 0;
  std::string iface;   // optional "@iface" for multicast
  bool operator==(const UdpAddress&) const = default;
};

struct GlobalConfig {
  std::optional<UdpAddress> report_to;
  std::optional<UdpAddress> listen_on;
  bool operator==(const GlobalConfig&) const = default;
};

}  // namespace pmtr
