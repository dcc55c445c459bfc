// The error-pipe record: encoding, strict decoding, and reading it from a
// real pipe in every state the monitor can meet.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string>

#include "common/unique_fd.hpp"
#include "spawner/spawn_report.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

constexpr SpawnStep kAllSteps[] = {
    SpawnStep::Setsid, SpawnStep::Signals, SpawnStep::Umask, SpawnStep::Rlimit,
    SpawnStep::Nice, SpawnStep::Affinity, SpawnStep::Setgid, SpawnStep::Setgroups,
    SpawnStep::Setuid, SpawnStep::Chdir, SpawnStep::OpenIn, SpawnStep::OpenOut,
    SpawnStep::OpenErr, SpawnStep::Dup, SpawnStep::CloseFds, SpawnStep::Exec,
    SpawnStep::PlaceFds, SpawnStep::Cgroup, SpawnStep::Caps, SpawnStep::NoNewPrivs,
};
// Every step is listed: the last one is the enum's last, and the numbers
// run without a gap (they are the wire encoding: never renumbered).
static_assert(std::size(kAllSteps) == static_cast<size_t>(kLastSpawnStep));
static_assert(static_cast<int>(SpawnStep::Cgroup) == 18 && static_cast<int>(SpawnStep::NoNewPrivs) == 20);

}  // namespace

TEST_GROUP(SpawnReport) {
  unique_fd rd, wr;
  void setup() override {
    int p[2];
    CHECK_EQUAL(0, pipe2(p, O_CLOEXEC | O_NONBLOCK));
    rd.reset(p[0]);
    wr.reset(p[1]);
  }
  void put(const void* bytes, size_t n) {
    CHECK_EQUAL(static_cast<ssize_t>(n), write(wr.get(), bytes, n));
  }
};

TEST(SpawnReport, EveryStepRoundTrips) {
  for (const SpawnStep step : kAllSteps) {
    for (const int err : {1, EACCES, ENOENT, EPROTO, 4095}) {
      unsigned char rec[kSpawnRecordBytes];
      encode_spawn_record(step, err, rec);
      const auto back = decode_spawn_record(rec);
      CHECK(back.has_value());
      CHECK(back->step == step);
      CHECK_EQUAL(err, back->err);
    }
  }
}

TEST(SpawnReport, EncodingIsStepThenLittleEndianErrno) {
  unsigned char rec[kSpawnRecordBytes];
  encode_spawn_record(SpawnStep::Chdir, 0x0102, rec);
  const unsigned char want[] = {10, 0x02, 0x01, 0, 0};
  MEMCMP_EQUAL(want, rec, sizeof want);
}

TEST(SpawnReport, TruncatedAndOversizedRecordsAreRejected) {
  unsigned char rec[kSpawnRecordBytes + 1] = {};
  unsigned char five[kSpawnRecordBytes];
  encode_spawn_record(SpawnStep::OpenOut, EACCES, five);
  std::memcpy(rec, five, sizeof five);
  for (size_t n = 0; n < kSpawnRecordBytes; ++n)
    CHECK_FALSE(decode_spawn_record(std::span<const unsigned char>(rec, n)).has_value());
  CHECK_FALSE(decode_spawn_record(std::span<const unsigned char>(rec, sizeof rec)).has_value());
}

TEST(SpawnReport, UnknownStepsAndImpossibleErrnosAreRejected) {
  unsigned char rec[kSpawnRecordBytes];
  encode_spawn_record(SpawnStep::Exec, ENOENT, rec);
  for (const int bad_step : {0, static_cast<int>(kLastSpawnStep) + 1, 255}) {
    rec[0] = static_cast<unsigned char>(bad_step);
    CHECK_FALSE(decode_spawn_record(rec).has_value());
  }
  for (const int bad_err : {0, 4096, -1}) {
    encode_spawn_record(SpawnStep::Exec, bad_err, rec);
    CHECK_FALSE(decode_spawn_record(rec).has_value());
  }
}

TEST(SpawnReport, EveryStepHasItsOwnName) {
  std::set<std::string> names;
  for (const SpawnStep step : kAllSteps) {
    const std::string name = spawn_step_name(step);
    CHECK(name != "unknown step");
    names.insert(name);
  }
  CHECK_EQUAL(std::size(kAllSteps), names.size());
}

TEST(SpawnReport, EofWithoutDataMeansExeced) {
  wr.reset();
  const SpawnReport r = read_spawn_report(rd.get());
  CHECK(r.state == SpawnReport::State::Execed);
  CHECK_FALSE(read_spawn_failure(rd.get()).has_value());
}

TEST(SpawnReport, NothingYetIsPending) {
  CHECK(read_spawn_report(rd.get()).state == SpawnReport::State::Pending);
  const auto f = read_spawn_failure(rd.get());
  CHECK(f.has_value());
  CHECK_EQUAL(EAGAIN, f->err);
}

TEST(SpawnReport, ARecordIsAFailure) {
  unsigned char rec[kSpawnRecordBytes];
  encode_spawn_record(SpawnStep::Setgroups, EPERM, rec);
  put(rec, sizeof rec);
  wr.reset();
  const auto f = read_spawn_failure(rd.get());
  CHECK(f.has_value());
  CHECK(f->step == SpawnStep::Setgroups);
  CHECK_EQUAL(EPERM, f->err);
}

TEST(SpawnReport, AShortRecordIsAProtocolError) {
  const unsigned char three[] = {1, 2, 0};
  put(three, sizeof three);
  wr.reset();
  const auto f = read_spawn_failure(rd.get());
  CHECK(f.has_value());
  CHECK(f->step == SpawnStep::Exec);
  CHECK_EQUAL(EPROTO, f->err);
}

TEST(SpawnReport, ALongRecordIsAProtocolError) {
  unsigned char five[kSpawnRecordBytes];
  encode_spawn_record(SpawnStep::Chdir, ENOENT, five);
  unsigned char rec[kSpawnRecordBytes + 3] = {};
  std::memcpy(rec, five, sizeof five);
  put(rec, sizeof rec);
  const auto f = read_spawn_failure(rd.get());
  CHECK(f.has_value());
  CHECK(f->step == SpawnStep::Exec);
  CHECK_EQUAL(EPROTO, f->err);
}

TEST(SpawnReport, AGarbledStepIsAProtocolError) {
  const unsigned char rec[] = {99, 2, 0, 0, 0};
  put(rec, sizeof rec);
  const auto f = read_spawn_failure(rd.get());
  CHECK(f.has_value());
  CHECK(f->step == SpawnStep::Exec);
  CHECK_EQUAL(EPROTO, f->err);
}

TEST(SpawnReport, AReadErrorIsReportedWithItsErrno) {
  const auto f = read_spawn_failure(wr.get());   // the write end cannot be read
  CHECK(f.has_value());
  CHECK(f->step == SpawnStep::Exec);
  CHECK_EQUAL(EBADF, f->err);
}
