// control/log_tail.{hpp,cpp}: the last lines of a job's log, from
// `current` and, when it has too few, the newest archives; and `pmtrctl
// log` against the fake monitor, which says where the files are.
#include "control/log_tail.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "common/log_messages.hpp"
#include "tests/control/ctl_runner.hpp"
#include "tests/control/fake_monitor.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using namespace pmtr::test;

namespace {

void put(const std::string& path, const std::string& text) {
  FILE* f = std::fopen(path.c_str(), "w");
  CHECK(f != nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

std::string numbered(int from, int to) {
  std::string s;
  for (int i = from; i <= to; ++i) s += "line " + std::to_string(i) + "\n";
  return s;
}

// The last n lines of a file written with `text`, and how many were found.
std::string last_of(const ScratchDir& d, const std::string& text, size_t n, size_t& found) {
  const std::string path = d.path() + "/f";
  put(path, text);
  OpenedLog f = open_log_file(path);
  CHECK(f.how == LogOpen::Ok);
  return last_lines(f.fd.get(), f.size, n, found);
}

std::string tail_of(const std::string& dir, size_t n) {
  const OpenedLog cur = open_log_file(dir + "/current");
  return tail_log(dir, cur, cur.size, n);
}

}  // namespace

TEST_GROUP(LogTail) {
  ScratchDir dir;
};

TEST(LogTail, LastLinesOfOneFile) {
  size_t found = 0;
  STRCMP_EQUAL("line 3\nline 4\n", last_of(dir, numbered(1, 4), 2, found).c_str());
  CHECK_EQUAL(2u, found);
  STRCMP_EQUAL(numbered(1, 4).c_str(), last_of(dir, numbered(1, 4), 10, found).c_str());
  CHECK_EQUAL(4u, found);
  // A last line still without its newline counts as a line.
  STRCMP_EQUAL("b\nc", last_of(dir, "a\nb\nc", 2, found).c_str());
  CHECK_EQUAL(2u, found);
  STRCMP_EQUAL("", last_of(dir, "a\n", 0, found).c_str());
  CHECK_EQUAL(0u, found);
  STRCMP_EQUAL("", last_of(dir, "", 3, found).c_str());
  CHECK_EQUAL(0u, found);
  STRCMP_EQUAL("\n\n", last_of(dir, "x\n\n\n", 2, found).c_str());
  CHECK_EQUAL(2u, found);
}

// Read backwards in 64 KiB chunks: lines across chunk edges, and a file
// of many chunks.
TEST(LogTail, LastLinesAcrossChunks) {
  const std::string text = numbered(1, 30000);   // about 330 KB
  size_t found = 0;
  STRCMP_EQUAL(numbered(29998, 30000).c_str(), last_of(dir, text, 3, found).c_str());
  const std::string many = last_of(dir, text, 20000, found);
  CHECK_EQUAL(20000u, found);
  CHECK(many == numbered(10001, 30000));
  CHECK(last_of(dir, text, 40000, found) == text);
  CHECK_EQUAL(30000u, found);
}

// current holds 3 lines: the rest comes from the newest archives, oldest
// first, and an archive is never read twice.
TEST(LogTail, FewerLinesThanAskedComeFromTheNewestArchives) {
  const std::string d = dir.path();
  put(d + "/@2026-12-07T09:00:00.000000Z.log", numbered(1, 5));
  put(d + "/@2026-12-07T09:10:00.000000Z.log", numbered(6, 10));
  put(d + "/current", numbered(11, 13));
  put(d + "/unrelated.log", "not an archive\n");
  STRCMP_EQUAL(numbered(12, 13).c_str(), tail_of(d, 2).c_str());
  STRCMP_EQUAL(numbered(9, 13).c_str(), tail_of(d, 5).c_str());
  STRCMP_EQUAL(numbered(4, 13).c_str(), tail_of(d, 10).c_str());
  STRCMP_EQUAL(numbered(1, 13).c_str(), tail_of(d, 100).c_str());
  const std::vector<std::string> names = archive_names(d);
  CHECK_EQUAL(2u, names.size());
  STRCMP_EQUAL("@2026-12-07T09:10:00.000000Z.log", names.at(0).c_str());
}

// `current` opened, then renamed to an archive by a rotation (and a new
// current not yet made): its lines are shown once.
TEST(LogTail, TheOpenCurrentRenamedIsNotReadTwice) {
  const std::string d = dir.path();
  put(d + "/@2026-12-07T09:00:00.000000Z.log", numbered(1, 5));
  put(d + "/current", numbered(6, 7));
  const OpenedLog cur = open_log_file(d + "/current");
  CHECK(::rename((d + "/current").c_str(), (d + "/@2026-12-07T09:10:00.000000Z.log").c_str()) == 0);
  STRCMP_EQUAL(numbered(3, 7).c_str(), tail_log(d, cur, cur.size, 5).c_str());
  // No current at all: the archives alone.
  const OpenedLog none = open_log_file(d + "/current");
  CHECK(none.how == LogOpen::Missing);
  STRCMP_EQUAL(numbered(5, 7).c_str(), tail_log(d, none, 0, 3).c_str());
}

TEST(LogTail, SymlinksAndFifosAreRefused) {
  const std::string d = dir.path();
  put(d + "/real", "secret\n");
  CHECK(::symlink((d + "/real").c_str(), (d + "/link").c_str()) == 0);
  CHECK(::mkfifo((d + "/fifo").c_str(), 0600) == 0);
  const OpenedLog link = open_log_file(d + "/link");
  CHECK(link.how == LogOpen::NotRegular);
  CHECK_FALSE(link.fd.valid());
  CHECK(open_log_file(d + "/fifo").how == LogOpen::NotRegular);
  STRCMP_EQUAL((d + "/fifo: not a regular file; refused").c_str(),
               log_open_text(d + "/fifo", open_log_file(d + "/fifo")).c_str());
  OpenedLog denied;
  denied.how = LogOpen::Denied;
  STRCMP_EQUAL("permission denied: /x/current (members of group adm may read the logs)",
               log_open_text("/x/current", denied).c_str());
}

// pmtrctl log: the monitor's LogPlace names the directory; the job's
// files are below it, under log_dir_name(JOB).
TEST_GROUP(LogCommand) {
  ScratchDir dir;
  std::vector<std::string> with_socket(const FakeMonitor& f, std::vector<std::string> args) {
    args.insert(args.begin(), {"-s", f.socket_path()});
    return args;
  }
  static Script place(bool captured, LogPlaceTarget target, const std::string& d) {
    Script s = outcome_script(CtlCode::Ok);
    s.records.insert(s.records.begin(), record(CtlLogPlace{captured, target, d}));
    return s;
  }
};

TEST(LogCommand, PrintsTheLastLinesOfTheJobsFiles) {
  const std::string job_dir = dir.path() + "/" + log_dir_name("a/b");
  CHECK(::mkdir(job_dir.c_str(), 0750) == 0);
  put(job_dir + "/@2026-12-07T09:00:00.000000Z.log", numbered(1, 8));
  put(job_dir + "/current", numbered(9, 10));
  FakeMonitor fake({place(true, LogPlaceTarget::Dir, dir.path()), place(true, LogPlaceTarget::Dir, dir.path())});
  const CtlRun r = run_ctl(with_socket(fake, {"log", "a/b", "-n", "3"}));
  CHECK_EQUAL_TEXT(0, r.rc, r.err.c_str());
  STRCMP_EQUAL(numbered(8, 10).c_str(), r.out.c_str());
  const CtlRun ten = run_ctl(with_socket(fake, {"log", "a/b"}));
  STRCMP_EQUAL(numbered(1, 10).c_str(), ten.out.c_str());
  const auto reqs = fake.requests();
  CHECK_EQUAL(2u, reqs.size());
  STRCMP_EQUAL("a/b", std::get<CtlLogWhere>(reqs.at(0)).name.c_str());
}

TEST(LogCommand, NotCapturedStderrAndNoFilesSaySo) {
  FakeMonitor fake({place(false, LogPlaceTarget::Dir, dir.path()), place(true, LogPlaceTarget::Stderr, ""),
                    place(true, LogPlaceTarget::Dir, dir.path()), outcome_script(CtlCode::Denied, "status")});
  const CtlRun off = run_ctl(with_socket(fake, {"log", "web"}));
  CHECK_EQUAL(1, off.rc);
  STRCMP_CONTAINS("web: output not captured", off.err.c_str());
  const CtlRun err = run_ctl(with_socket(fake, {"log", "web"}));
  CHECK_EQUAL(1, err.rc);
  STRCMP_CONTAINS("web: output goes to pmtr's standard error", err.err.c_str());
  const CtlRun none = run_ctl(with_socket(fake, {"log", "web"}));
  CHECK_EQUAL(1, none.rc);
  STRCMP_CONTAINS("web has no log yet", none.err.c_str());
  const CtlRun denied = run_ctl(with_socket(fake, {"log", "web"}));
  CHECK_EQUAL(5, denied.rc);
  STRCMP_CONTAINS("needs the 'status' right", denied.err.c_str());
}

// A LogPlace is the answer to a log request only, and comes once.
TEST(LogCommand, APlaceOutOfOrderIsAMalformedReply) {
  Script twice = place(true, LogPlaceTarget::Dir, dir.path());
  twice.records.insert(twice.records.begin(), record(CtlLogPlace{true, LogPlaceTarget::Dir, dir.path()}));
  FakeMonitor fake({twice, place(true, LogPlaceTarget::Dir, dir.path()), outcome_script(CtlCode::Ok)});
  CHECK_EQUAL(6, run_ctl(with_socket(fake, {"log", "web"})).rc);
  CHECK_EQUAL(6, run_ctl(with_socket(fake, {"stop", "web"})).rc);
  const CtlRun bare = run_ctl(with_socket(fake, {"log", "web"}));
  CHECK_EQUAL(6, bare.rc);
  STRCMP_CONTAINS("did not say where", bare.err.c_str());
}

TEST(LogCommand, RotateSendsTheNamesAndPrintsNothing) {
  FakeMonitor fake({outcome_script(CtlCode::Ok), outcome_script(CtlCode::Failed, "db"),
                    outcome_script(CtlCode::Denied, "operate")});
  const CtlRun ok = run_ctl(with_socket(fake, {"rotate", "web", "db"}));
  CHECK_EQUAL(0, ok.rc);
  STRCMP_EQUAL("", ok.out.c_str());
  const CtlRun off = run_ctl(with_socket(fake, {"rotate", "db"}));
  CHECK_EQUAL(1, off.rc);
  STRCMP_CONTAINS("db: output not captured", off.err.c_str());
  const CtlRun all = run_ctl(with_socket(fake, {"rotate"}));
  CHECK_EQUAL(5, all.rc);
  STRCMP_CONTAINS("permission denied: rotate needs the 'operate' right", all.err.c_str());
  const auto reqs = fake.requests();
  CHECK_EQUAL(3u, reqs.size());
  CHECK_EQUAL(2u, std::get<CtlRotate>(reqs.at(0)).names.size());
  CHECK(std::get<CtlRotate>(reqs.at(2)).names.empty());
}
