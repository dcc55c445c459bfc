// One request over the control socket: connect (AF_UNIX, SOCK_SEQPACKET),
// send one request record, read reply records until the final one
// (StatusEnd or Outcome), close.  The replies are checked against the
// protocol's order (StatusBegin, StatusJobs..., StatusEnd for a status
// request; one LogPlace, then Outcome, for a log request; Diag..., Outcome
// for the others; an Outcome may end any) and
// against StatusBegin's job count, so a reply that breaks off or rambles
// is reported instead of printed as if it were whole.
#pragma once

#include <string>
#include <vector>

#include "common/control_messages.hpp"

namespace pmtr::ctl {

// Milliseconds; a negative value waits for ever.
struct Timeouts {
  int connect_ms = 5000;
  int first_reply_ms = 5000;   // from the request sent to the first record
  int next_reply_ms = 5000;    // between two records of one reply
};

// Receives the records that come before the final one.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual void begin(const CtlStatusBegin& b) = 0;
  // The batch is the sink's to keep (moved, not copied).
  virtual void jobs(std::vector<JobStatus>&& batch) = 0;
  virtual void diag(const CtlDiag& d) = 0;
  // Only a log request's reply has one.
  virtual void log_place(const CtlLogPlace&) {}
};

enum class AnswerKind {
  StatusEnd,    // a whole status reply arrived
  Outcome,      // `outcome` holds the monitor's verdict
  NoAnswer,     // nobody answered, or the answer broke off: `err` and `why`
  NoAccess,     // connect() refused by file permissions (EACCES/EPERM)
  Malformed,    // the monitor sent something the protocol does not allow: `why`
};

struct Answer {
  AnswerKind kind = AnswerKind::NoAnswer;
  CtlOutcome outcome;
  int err = 0;        // errno, when a system call failed
  std::string why;    // what happened, lowercase, for "pmtrctl: ... SOCKET: WHY"
};

[[nodiscard]] Answer exchange(const std::string& socket_path, const CtlRequest& request,
                              const Timeouts& timeouts, ReplySink& sink);

}  // namespace pmtr::ctl
