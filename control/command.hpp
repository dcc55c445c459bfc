// What the command line asked for, once parsed: the one place that knows
// pmtrctl's verbs.  Everything after parsing works from this, never from
// argv again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/control_messages.hpp"
#include "control/udp_url.hpp"

namespace pmtr::ctl {

// Send and Listen talk UDP to a `listen on` / from a `report to`, not to
// the control socket.
enum class Verb { Status, Start, Stop, Restart, Signal, Reload, Wait, Metrics, Log, Rotate, Send, Listen };

enum class StatusFormat { Table, Json, Names };

struct Command {
  Verb verb = Verb::Status;
  std::string socket;               // -s; empty: default_control_socket()
  std::vector<std::string> names;   // job names as given (checked)
  StatusFormat format = StatusFormat::Table;
  uint8_t signal = 0;               // signal: 1..64
  WaitTarget target = WaitTarget::Up;
  uint32_t timeout_ms = 0;          // wait: 0 means none
  std::string timeout_text;         // wait: --timeout as written, for messages
  uint32_t lines = 10;              // log: -n, the lines printed before any followed
  bool follow = false;              // log: -f
  UdpUrl url;                       // send, listen: udp://HOST:PORT
  bool enable = false;              // send: enable (else disable)
  std::string key_file;             // send: --key; empty: unsigned
  uint64_t count = 0;               // listen: -c, datagrams before exiting; 0: for ever
};

// The name the user typed for the verb ("status", "stop", ...).
[[nodiscard]] const char* verb_name(Verb v) noexcept;

// The protocol request a command sends.
[[nodiscard]] CtlRequest make_request(const Command& c);

// pmtrctl's exit statuses (pmtrctl(8), EXIT STATUS).
enum class Exit : int {
  Ok = 0,
  Failed = 1,      // the operation failed: wait timed out, reload rejected, job not running
  Usage = 2,
  NotUp = 3,       // status of a named job that is not running, ready or starting
  NoSuchJob = 4,
  Denied = 5,
  NoAnswer = 6,    // nobody answers on the socket, or the answer broke off
};

}  // namespace pmtr::ctl
