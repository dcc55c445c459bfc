#include "tests/control/fake_monitor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/channel.hpp"
#include "common/limits.hpp"

namespace pmtr::test {
namespace {

// No connection waits longer than this: a test that went wrong ends
// instead of hanging the suite.
constexpr int kPatienceMs = 10000;

}  // namespace

std::vector<std::byte> record(const CtlReply& r) { return encode_ctl_reply(r); }

Script status_script(const std::vector<JobStatus>& jobs, uint64_t now_ms, size_t per_record) {
  Script s;
  s.records.push_back(record(CtlStatusBegin{static_cast<uint32_t>(jobs.size()), now_ms}));
  for (size_t i = 0; i < jobs.size(); i += per_record) {
    CtlStatusJobs batch;
    for (size_t k = i; k < jobs.size() && k < i + per_record; ++k) batch.jobs.push_back(jobs[k]);
    s.records.push_back(record(batch));
  }
  s.records.push_back(record(CtlStatusEnd{}));
  return s;
}

Script outcome_script(CtlCode code, std::string subject, std::vector<CtlDiag> diags) {
  Script s;
  for (auto& d : diags) s.records.push_back(record(std::move(d)));
  s.records.push_back(record(CtlOutcome{code, std::move(subject)}));
  return s;
}

JobStatus job(std::string name, PublicState state, int32_t pid) {
  JobStatus j;
  j.name = std::move(name);
  j.state = state;
  j.pid = pid;
  return j;
}

ScratchDir::ScratchDir() {
  char tmpl[] = "/tmp/pmtrctl-test.XXXXXX";
  const char* p = mkdtemp(tmpl);
  path_ = p != nullptr ? p : "";
}

ScratchDir::~ScratchDir() {
  if (path_.rfind("/tmp/pmtrctl-test.", 0) != 0) return;   // only what mkdtemp made
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

FakeMonitor::FakeMonitor(std::vector<Script> scripts) : scripts_(std::move(scripts)) {
  char tmpl[] = "/tmp/pmtrctl-fake.XXXXXX";
  if (const char* p = mkdtemp(tmpl)) dir_ = p;
  socket_ = dir_ + "/control";
  listen_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  if (::bind(listen_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_.get(), 16) != 0)
    listen_.reset();
  int p[2];
  if (::pipe2(p, O_CLOEXEC) == 0) {
    stop_read_.reset(p[0]);
    stop_write_.reset(p[1]);
  }
  thread_ = std::thread([this] { serve(); });
}

FakeMonitor::~FakeMonitor() {
  stop_write_.reset();   // the thread sees the pipe's end and returns
  if (thread_.joinable()) thread_.join();
  listen_.reset();
  if (dir_.rfind("/tmp/pmtrctl-fake.", 0) == 0) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

std::vector<CtlRequest> FakeMonitor::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

size_t FakeMonitor::connections() const {
  std::lock_guard lock(mu_);
  return connections_;
}

bool FakeMonitor::wait_readable(int fd, int timeout_ms) const noexcept {
  pollfd p[2] = {{fd, POLLIN, 0}, {stop_read_.get(), POLLIN, 0}};
  for (;;) {
    const int n = ::poll(p, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    return n > 0 && p[1].revents == 0 && p[0].revents != 0;
  }
}

void FakeMonitor::serve() noexcept {
  if (!listen_) return;
  for (const Script& s : scripts_) {
    if (!wait_readable(listen_.get(), kPatienceMs)) return;
    unique_fd conn(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) return;
    {
      std::lock_guard lock(mu_);
      ++connections_;
    }
    serve_one(conn.get(), s);
  }
}

void FakeMonitor::serve_one(int conn, const Script& s) noexcept {
  std::vector<std::byte> buf(limits::kMessageBytes + 1);
  if (!wait_readable(conn, kPatienceMs)) return;
  const RawRecord rec = recv_record(conn, buf, MSG_DONTWAIT);
  if (rec.status != RecvStatus::Message) return;
  if (auto req = decode_ctl_request(std::span<const std::byte>(buf.data(), rec.size))) {
    std::lock_guard lock(mu_);
    requests_.push_back(std::move(req.value()));
  }
  for (const auto& r : s.records)
    if (!send_record(conn, r, 0)) return;   // the client went away
  if (s.end == Script::End::Silence) {
    // Until the client hangs up (recv sees the end) or the test ends.
    while (wait_readable(conn, kPatienceMs)) {
      const RawRecord more = recv_record(conn, buf, MSG_DONTWAIT);
      if (more.status == RecvStatus::Closed || more.status == RecvStatus::Bad) return;
    }
  }
}

}  // namespace pmtr::test
