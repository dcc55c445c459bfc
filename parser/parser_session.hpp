// The pmtr-parser side of the channel: a strict state machine.
//   Hello -> TableBegin -> TableJob x N -> TableEnd -> Parse(fd) ...
// Anything else from the monitor is a protocol error and ends the process
// (the monitor then starts a fresh parser).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/job.hpp"
#include "common/messages.hpp"
#include "common/unique_fd.hpp"
#include "parser/job_key_table.hpp"

namespace pmtr {

class ParserSession {
 public:
  explicit ParserSession(int sock) noexcept : sock_(sock) {}
  // 0 when the monitor closed the channel, 1 on a protocol or I/O error.
  int run() noexcept;

 private:
  enum class State { AwaitHello, AwaitTableBegin, InTable, Ready };
  bool handle(const Message& m, unique_fd fd) noexcept;
  bool parse_and_send(uint32_t generation, const unique_fd& config) noexcept;
  bool parse_and_reply(uint32_t generation, const unique_fd& config) noexcept;
  bool send(const Message& m) noexcept;

  int sock_;
  State state_ = State::AwaitHello;
  ParseMode mode_ = ParseMode::Run;
  uint32_t table_expected_ = 0;
  JobKeyTable table_;   // the monitor's table as of our last transaction
};

// Reads the whole config from fd, at most max_bytes + 1 (so "too large" is
// still detectable without reading an endless file).  Empty on read error
// with ok=false.
struct ReadConfig {
  bool ok = false;
  int err = 0;
  std::string text;
};
[[nodiscard]] ReadConfig read_config_fd(int fd, size_t max_bytes) noexcept;

}  // namespace pmtr
