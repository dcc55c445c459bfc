// Hard limits shared by the parser (which reports them as config errors) and
// the codec (which rejects any message beyond them).  One place, so the two
// sides can never disagree.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmtr::limits {

inline constexpr size_t kConfigBytes = 64u << 20;   // whole pmtr.conf
inline constexpr size_t kLineBytes = 4096;          // one line
inline constexpr size_t kTokenBytes = 4096;         // one word or quoted string
inline constexpr size_t kNameBytes = 64;            // job name
inline constexpr size_t kUserBytes = 32;            // user name (useradd's limit)
inline constexpr size_t kPathBytes = 4095;          // PATH_MAX - 1
inline constexpr size_t kStringBytes = 4096;        // any string on the wire
inline constexpr size_t kArgs = 256;                // argv entries of cmd
inline constexpr size_t kEnv = 256;                 // env lines per job
inline constexpr size_t kDepends = 64;              // depends files per job
inline constexpr size_t kUlimits = 16;              // one per resource
inline constexpr size_t kCpus = 1024;               // CPU_SETSIZE
inline constexpr size_t kJobs = 200000;             // jobs per config
// Diagnostics per parse: the parser sends at most kDiagnostics + 1 (the
// last one says "too many errors, giving up"); the monitor treats more as a
// protocol violation.  A contract between the two sides.
inline constexpr size_t kDiagnostics = 1000;
inline constexpr size_t kDiagnosticBytes = 512;     // one diagnostic's text
inline constexpr size_t kMessageBytes = 65536;      // one channel record
// Every record of one parse (diagnostics and the transaction), on the
// wire: the monitor's memory for a transaction grows with it.  The densest
// legal config (jobs of 256 one-letter arguments) encodes to 2.63 bytes
// per byte of text, so 3 x kConfigBytes holds any config with room to
// spare.  The monitor also caps each parse by the size of the config it
// handed over (transaction_byte_cap in monitor/transaction.hpp).
inline constexpr size_t kTransactionBytes = 3 * kConfigBytes;
inline constexpr size_t kJobEncodedBytes = 60000;   // a job must fit one record
inline constexpr uint32_t kBounceSecondsMax = 366u * 24 * 3600;
// Durations of the lifecycle options (backoff, stable after, give up
// window, stop timeout, ready timeout), in milliseconds: 30 days.
inline constexpr uint32_t kDurationMsMax = 30u * 24 * 3600 * 1000;
inline constexpr uint32_t kGiveUpCountMax = 1000;
inline constexpr uint16_t kReadyFdMin = 3;      // 0-2 are the job's standard streams
inline constexpr uint16_t kReadyFdMax = 1023;   // below the usual fd limit of 1024
inline constexpr uint8_t kSignalMax = 64;       // SIGRTMAX on Linux
inline constexpr size_t kPrincipals = 256;      // users and @groups in one list
inline constexpr size_t kSocketPathBytes = 107; // sockaddr_un's sun_path, less its NUL
inline constexpr size_t kGroups = 256;          // `groups` names per job
inline constexpr uint8_t kCapMax = 63;          // capability numbers 0..63 (the kernel's 64-bit sets)
inline constexpr uint64_t kSizeMax = 1ull << 50;  // sizes (limits, rotation): 1 PiB
inline constexpr uint32_t kTasksMax = 4194304;  // pid_max's ceiling
inline constexpr uint32_t kCpuPercentMax = 102400;   // 1024 CPUs
inline constexpr uint32_t kLogKeepMax = 10000;  // archives kept per job
inline constexpr size_t kReportTargets = 8;     // each status report goes to every `report to`: caps its cost
inline constexpr size_t kHostNameBytes = 253;   // a DNS name's longest text form (RFC 1035)

}  // namespace pmtr::limits
