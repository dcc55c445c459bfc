// control/client.{hpp,cpp}: one exchange over a real SOCK_SEQPACKET socket
// with the fake monitor: replies split over records, the protocol's order
// and counts enforced, and every way of not answering told apart.
#include "control/client.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "tests/control/fake_monitor.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using pmtr::test::FakeMonitor;
using pmtr::test::job;
using pmtr::test::record;
using pmtr::test::Script;
using pmtr::test::ScratchDir;

namespace {

class Recorder final : public ReplySink {
 public:
  void begin(const CtlStatusBegin& b) override { begins.push_back(b); }
  void jobs(std::vector<JobStatus>&& batch) override {
    batches.push_back(batch.size());
    for (auto& j : batch) all.push_back(std::move(j));
  }
  void diag(const CtlDiag& d) override { diags.push_back(d); }
  std::vector<CtlStatusBegin> begins;
  std::vector<size_t> batches;
  std::vector<JobStatus> all;
  std::vector<CtlDiag> diags;
};

constexpr Timeouts kQuick{1000, 300, 300};

Answer ask(const std::string& socket, const CtlRequest& req, Recorder& rec, Timeouts t = kQuick) {
  return exchange(socket, req, t, rec);
}

Answer ask_fake(std::vector<Script> scripts, const CtlRequest& req, Recorder& rec, Timeouts t = kQuick) {
  FakeMonitor fake(std::move(scripts));
  return ask(fake.socket_path(), req, rec, t);
}

std::vector<JobStatus> many(size_t n) {
  std::vector<JobStatus> v;
  for (size_t i = 0; i < n; ++i) v.push_back(job("job-" + std::to_string(i), PublicState::Running, 100 + static_cast<int32_t>(i)));
  return v;
}

void check_malformed(Script s, const CtlRequest& req, const char* why) {
  Recorder rec;
  const Answer a = ask_fake({std::move(s)}, req, rec);
  CHECK_TRUE_TEXT(a.kind == AnswerKind::Malformed, a.why.c_str());
  STRCMP_EQUAL(why, a.why.c_str());
}

// A socket bound at `path` that is not listening: connect is refused.
unique_fd bound_only(const std::string& path, int type) {
  unique_fd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  CHECK_EQUAL(0, ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr));
  return fd;
}

}  // namespace

TEST_GROUP(Client){};

TEST(Client, StatusSplitOverSeveralRecords) {
  Recorder rec;
  FakeMonitor fake({pmtr::test::status_script(many(2500), 42, 1000)});
  const Answer a = ask(fake.socket_path(), CtlStatusRequest{{"job-1", "job-2"}}, rec);
  CHECK(a.kind == AnswerKind::StatusEnd);
  CHECK_EQUAL(1u, rec.begins.size());
  CHECK_EQUAL(42u, rec.begins[0].now_ms);
  CHECK_EQUAL(3u, rec.batches.size());
  CHECK_EQUAL(2500u, rec.all.size());
  STRCMP_EQUAL("job-2499", rec.all.back().name.c_str());
  const auto reqs = fake.requests();
  CHECK_EQUAL(1u, reqs.size());
  CHECK(std::get<CtlStatusRequest>(reqs[0]).names == (std::vector<std::string>{"job-1", "job-2"}));
}

TEST(Client, DiagnosticsThenOutcome) {
  Recorder rec;
  const Answer a = ask_fake({pmtr::test::outcome_script(CtlCode::Failed, "", {CtlDiag{1, 3, 5, "bad"}, CtlDiag{2, 0, 0, "meh"}})},
                           CtlReload{}, rec);
  CHECK(a.kind == AnswerKind::Outcome);
  CHECK(a.outcome.code == CtlCode::Failed);
  CHECK_EQUAL(2u, rec.diags.size());
  STRCMP_EQUAL("meh", rec.diags[1].text.c_str());
}

TEST(Client, AnOutcomeMayEndAStatusReply) {
  Recorder rec;
  const Answer a = ask_fake({pmtr::test::outcome_script(CtlCode::Denied, "status")}, CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::Outcome);
  CHECK(a.outcome.code == CtlCode::Denied);
  STRCMP_EQUAL("status", a.outcome.subject.c_str());
}

TEST(Client, NoSocketAndNobodyListening) {
  ScratchDir dir;
  Recorder rec;
  Answer a = ask(dir.path() + "/missing", CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  CHECK_EQUAL(ENOENT, a.err);
  const unique_fd stale = bound_only(dir.path() + "/stale", SOCK_SEQPACKET);
  a = ask(dir.path() + "/stale", CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  CHECK_EQUAL(ECONNREFUSED, a.err);
}

TEST(Client, AStreamSocketIsNotPmtr) {
  ScratchDir dir;
  const unique_fd s = bound_only(dir.path() + "/stream", SOCK_STREAM);
  CHECK_EQUAL(0, ::listen(s.get(), 1));
  Recorder rec;
  const Answer a = ask(dir.path() + "/stream", CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  CHECK_EQUAL(EPROTOTYPE, a.err);
}

TEST(Client, AFullConnectionQueueTimesOut) {
  ScratchDir dir;
  const std::string path = dir.path() + "/full";
  const unique_fd s = bound_only(path, SOCK_SEQPACKET);
  CHECK_EQUAL(0, ::listen(s.get(), 0));
  // The first connection fills a queue of length 0 (Linux admits one more
  // than the backlog); nobody accepts.
  unique_fd first(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  CHECK_EQUAL(0, ::connect(first.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr));
  Recorder rec;
  const Answer a = ask(path, CtlStatusRequest{}, rec, Timeouts{200, 200, 200});
  CHECK(a.kind == AnswerKind::NoAnswer);
  CHECK_EQUAL(ETIMEDOUT, a.err);
  STRCMP_EQUAL("not accepted within 0.2 s (too many clients waiting?)", a.why.c_str());
}

TEST(Client, SilenceTimesOut) {
  Recorder rec;
  Script s;
  s.end = Script::End::Silence;
  const Answer a = ask_fake({s}, CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  CHECK_EQUAL(ETIMEDOUT, a.err);
  STRCMP_EQUAL("no reply within 0.3 s", a.why.c_str());
}

TEST(Client, AReplyThatStopsTimesOut) {
  Recorder rec;
  Script s;
  s.records.push_back(record(CtlStatusBegin{3, 1}));
  s.end = Script::End::Silence;
  const Answer a = ask_fake({s}, CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  STRCMP_EQUAL("the reply stopped for 0.3 s", a.why.c_str());
}

TEST(Client, NoTimeoutWaitsUntilTheAnswer) {
  Recorder rec;
  const Answer a = ask_fake({pmtr::test::outcome_script(CtlCode::Ok)}, CtlWait{WaitTarget::Up, 0, {"x"}}, rec,
                            Timeouts{1000, -1, -1});
  CHECK(a.kind == AnswerKind::Outcome);
  CHECK(a.outcome.code == CtlCode::Ok);
}

TEST(Client, ClosedBeforeOrDuringTheReply) {
  Recorder rec;
  Answer a = ask_fake({Script{}}, CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  STRCMP_EQUAL("the connection closed without a reply", a.why.c_str());

  Script half;
  half.records.push_back(record(CtlStatusBegin{5, 1}));
  half.records.push_back(record(CtlStatusJobs{{job("a", PublicState::Running, 1), job("b", PublicState::Done)}}));
  a = ask_fake({half}, CtlStatusRequest{}, rec);
  CHECK(a.kind == AnswerKind::NoAnswer);
  STRCMP_EQUAL("the connection closed before the reply was complete", a.why.c_str());
}

TEST(Client, RecordsOutOfOrderAreMalformed) {
  const CtlStatusJobs batch{{job("a", PublicState::Running, 1)}};
  Script s;
  s.records = {record(batch), record(CtlStatusEnd{})};
  check_malformed(s, CtlStatusRequest{}, "job records without a StatusBegin");
  s.records = {record(CtlStatusEnd{})};
  check_malformed(s, CtlStatusRequest{}, "a StatusEnd without a StatusBegin");
  s.records = {record(CtlStatusBegin{1, 0}), record(CtlStatusBegin{1, 0})};
  check_malformed(s, CtlStatusRequest{}, "an unexpected StatusBegin");
  s.records = {record(CtlStatusBegin{0, 0}), record(CtlStatusEnd{})};
  check_malformed(s, CtlReload{}, "an unexpected StatusBegin");
  s.records = {record(CtlDiag{1, 1, 1, "x"}), record(CtlOutcome{})};
  check_malformed(s, CtlStatusRequest{}, "a diagnostic in a status reply");
}

// The count is an upper bound: a job removed while the reply streams is
// left out, but more than announced is a broken reply.
TEST(Client, NoMoreRecordsThanStatusBeginAnnounced) {
  const CtlStatusJobs two{{job("a", PublicState::Running, 1), job("b", PublicState::Running, 2)}};
  Script s;
  s.records = {record(CtlStatusBegin{1, 0}), record(two), record(CtlStatusEnd{})};
  check_malformed(s, CtlStatusRequest{}, "more job records than announced");
}

TEST(Client, UndecodableRecordsAreMalformed) {
  Script s;
  std::vector<std::byte> wrong_version = record(CtlStatusEnd{});
  wrong_version[0] = std::byte{99};
  s.records = {wrong_version};
  check_malformed(s, CtlStatusRequest{}, "wrong protocol version");
  s.records = {encode_ctl_request(CtlReload{})};
  check_malformed(s, CtlReload{}, "a request type where a reply belongs");
}
