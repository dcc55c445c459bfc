// A stand-in for the monitor's side of the control socket: a thread that
// listens on a SOCK_SEQPACKET socket in a temporary directory and answers
// each connection from a script of canned reply records (encode_ctl_reply),
// so the whole client runs against it end to end.  Everything it makes
// (thread, fds, directory) ends in its destructor.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/control_messages.hpp"
#include "common/unique_fd.hpp"

namespace pmtr::test {

// What the fake does with one connection, in order.
struct Script {
  std::vector<std::vector<std::byte>> records;   // sent after the request arrived
  enum class End {
    Close,     // close once the records are sent
    Silence,   // then send nothing more, until the client hangs up
  } end = End::Close;
};

// A whole status reply: StatusBegin (count = jobs.size()), the jobs in
// StatusJobs batches of `per_record`, StatusEnd.
Script status_script(const std::vector<JobStatus>& jobs, uint64_t now_ms, size_t per_record = 1000);
// Diags (if any), then one Outcome.
Script outcome_script(CtlCode code, std::string subject = {}, std::vector<CtlDiag> diags = {});
std::vector<std::byte> record(const CtlReply& r);

class FakeMonitor {
 public:
  explicit FakeMonitor(std::vector<Script> scripts);
  ~FakeMonitor();
  FakeMonitor(const FakeMonitor&) = delete;
  FakeMonitor& operator=(const FakeMonitor&) = delete;

  [[nodiscard]] const std::string& socket_path() const { return socket_; }
  // The requests received so far, decoded (a bad one is not recorded).
  [[nodiscard]] std::vector<CtlRequest> requests() const;
  // Connections the fake accepted.
  [[nodiscard]] size_t connections() const;

 private:
  void serve() noexcept;
  void serve_one(int conn, const Script& s) noexcept;
  // Waits for `fd` to be readable or for the stop pipe; false on stop/timeout.
  bool wait_readable(int fd, int timeout_ms) const noexcept;

  std::string dir_, socket_;
  unique_fd listen_, stop_read_, stop_write_;
  std::vector<Script> scripts_;
  mutable std::mutex mu_;
  std::vector<CtlRequest> requests_;
  size_t connections_ = 0;
  std::thread thread_;
};

// A temporary directory, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A sample job for tests.
JobStatus job(std::string name, PublicState state, int32_t pid = -1);

}  // namespace pmtr::test
