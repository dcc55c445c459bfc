// What makes a job descriptor acceptable, as predicates shared by the
// parser's validator (which turns them into positioned diagnostics) and the
// monitor (which re-checks every decoded job: the parser is not trusted).
#pragma once

#include <string_view>

#include "common/job.hpp"
#include "common/result.hpp"

namespace pmtr {

[[nodiscard]] bool valid_job_name(std::string_view s) noexcept;      // printable, no spaces
[[nodiscard]] bool valid_abs_path(std::string_view s) noexcept;      // "/..."
[[nodiscard]] bool valid_argument(std::string_view s) noexcept;      // argv[1..]: no NUL, <= kStringBytes
[[nodiscard]] bool valid_io_path(std::string_view s) noexcept;       // relative to dir, or absolute
[[nodiscard]] bool valid_env_name(std::string_view s) noexcept;      // [A-Za-z_][A-Za-z0-9_]*
[[nodiscard]] bool valid_env_entry(std::string_view s) noexcept;     // NAME=VALUE, no NUL
[[nodiscard]] bool valid_user_name(std::string_view s) noexcept;     // [A-Za-z0-9_.][A-Za-z0-9_.-]*
[[nodiscard]] bool valid_nice(int v) noexcept;                       // -20..19
[[nodiscard]] bool valid_ulimit_resource(int resource) noexcept;     // one of the RLIMIT_* we map
[[nodiscard]] bool valid_udp_address(const UdpAddress& a) noexcept;  // numeric host, port 1..65535 (listen on)
// RFC 1123 host name: dot-separated labels of letters, digits and '-', each
// 1..63 bytes and neither starting nor ending with '-', 253 bytes in all, no
// trailing dot; digits and dots alone are not a name (a mistyped IPv4
// address such as "1.2.3" must not go to DNS).
[[nodiscard]] bool valid_host_name(std::string_view s) noexcept;
[[nodiscard]] bool valid_numeric_host(std::string_view s) noexcept;     // IPv4 or IPv6, as inet_pton reads them
[[nodiscard]] bool valid_report_address(const UdpAddress& a) noexcept;  // as valid_udp_address, or a host name
[[nodiscard]] bool valid_principal(std::string_view s) noexcept;     // a user name, or "@" and a group name
[[nodiscard]] bool valid_socket_path(std::string_view s) noexcept;   // absolute, fits sockaddr_un

// The lifecycle options: durations within limits::kDurationMsMax, backoff
// MIN <= MAX, `give up after N in T` with both or neither, a signal number
// 1..kSignalMax, a ready fd 0 or kReadyFdMin..kReadyFdMax, a ready timeout
// only with a ready fd, `wait ready` only with `wait` and a ready fd.
// The error names the first broken rule.
[[nodiscard]] Status check_policy(const JobDesc& job);

// Confinement: umask <= 0777, group names valid, capabilities sorted,
// unique and known to the codec, limits within their caps, lists empty
// where their option is not given.
[[nodiscard]] Status check_confinement(const Confinement& c);

// Every rule at once, including that the job's encoding fits
// limits::kJobEncodedBytes; the error names the first broken one.
[[nodiscard]] Status check_job(const JobDesc& job);
// Globals: at most limits::kReportTargets report addresses, no two equal;
// a listen key only with `listen on`, and absolute.
[[nodiscard]] Status check_globals(const GlobalConfig& g);

}  // namespace pmtr
