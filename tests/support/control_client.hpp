// A bare control-socket client for the end-to-end tests: one request,
// every reply record until the final one, with a deadline.  Independent
// of pmtrctl, so the monitor's side is tested by the bytes it answers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/control_messages.hpp"

namespace pmtr::test {

struct CtlExchange {
  bool connected = false;
  bool complete = false;           // the final record (StatusEnd or Outcome) came
  std::vector<CtlReply> replies;
  std::vector<JobStatus> jobs;     // every StatusJobs record, joined
  CtlCode code = CtlCode::Ok;      // the Outcome's, when there was one
  std::string subject;
  std::string error;               // why not connected / not complete
};

// Sends `record` (raw bytes: tests send malformed ones too) and collects
// the answer.
// before_reading, when given, runs with the connected fd once the request
// is sent: a client that is slow to read.
CtlExchange ctl_raw(const std::string& socket, std::span<const std::byte> record,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                    const std::function<void(int fd)>& before_reading = {});
CtlExchange ctl(const std::string& socket, const CtlRequest& request,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// The same exchange made by a forked child running as uid/gid (and no
// supplementary groups but `groups`): what an ordinary user would get.
CtlExchange ctl_as(uid_t uid, gid_t gid, const std::vector<gid_t>& groups, const std::string& socket,
                   const CtlRequest& request);

// A connected client socket (-1 on failure), for tests that misbehave.
int ctl_connect(const std::string& socket);

class Pmtr;
// Polls (5 s) until pmtr's control socket answers a status request.
bool wait_listening(const Pmtr& p);

// One job's row from a status exchange, or nullptr.
const JobStatus* find_status(const CtlExchange& x, const std::string& name);

}  // namespace pmtr::test
