// ConfigWatch: inotify on the config's directory and on the directories of
// `depends` files, in real temp directories.  inotify queues an event
// during the syscall that causes it, but every wait here still polls the fd
// with a deadline rather than assuming so.
#include "monitor/config_watch.hpp"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "common/syscalls.hpp"

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

// Polls until fd is readable or the deadline passes.
bool wait_readable(int fd, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  pollfd p{fd, POLLIN, 0};
  const ReadyResult r = sys_poll(&p, 1, static_cast<int>(timeout.count()));
  return r.ok() && r.count > 0;
}

bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

void write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  CHECK_TEXT(fd >= 0, path.c_str());
  CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  CHECK_EQUAL(0, ::close(fd));
}

std::string make_temp_dir() {
  char tmpl[] = "/tmp/pmtr-watch.XXXXXX";
  CHECK(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

void remove_tree(const std::string& dir, const std::vector<std::string>& names) {
  for (const auto& n : names) ::unlink((dir + "/" + n).c_str());
  ::rmdir(dir.c_str());
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_GROUP(ConfigWatch) {
  std::string dir, dir2, conf;
  ConfigWatch w;

  void setup() override {
    dir = make_temp_dir();
    dir2 = make_temp_dir();
    conf = dir + "/pmtr.conf";
    write_file(conf, "");
    const Status s = w.init(conf);
    CHECK_TEXT(s.ok(), s.ok() ? "" : s.error().message().c_str());
    CHECK(w.fd() >= 0);
    // Nothing pending after init.
    CHECK_FALSE(readable_now(w.fd()));
  }
  void teardown() override {
    const std::vector<std::string> files = {"pmtr.conf", ".pmtr.conf.swp", "other", "dep.txt", "other.txt"};
    remove_tree(dir, files);
    remove_tree(dir2, files);
  }

  ConfigWatch::Changes next_changes() {
    CHECK_TEXT(wait_readable(w.fd()), "no inotify event within 5 s");
    return w.read_events();
  }
};

TEST(ConfigWatch, WriteAndCloseReportsTheConfig) {
  write_file(conf, "job {\n}\n");
  const auto c = next_changes();
  CHECK(c.config);
  CHECK(c.depends.empty());
  CHECK_FALSE(readable_now(w.fd()));
}

TEST(ConfigWatch, EditorRenameOverTheConfigReportsIt) {
  const std::string tmp = dir + "/.pmtr.conf.swp";
  write_file(tmp, "job {\n}\n");
  CHECK_EQUAL(0, ::rename(tmp.c_str(), conf.c_str()));
  const auto c = next_changes();
  CHECK(c.config);
}

TEST(ConfigWatch, DeleteAndChmodReportTheConfig) {
  CHECK_EQUAL(0, ::chmod(conf.c_str(), 0600));
  CHECK(next_changes().config);
  CHECK_EQUAL(0, ::unlink(conf.c_str()));
  CHECK(next_changes().config);
}

TEST(ConfigWatch, AnotherFileInTheDirectoryIsNotTheConfig) {
  write_file(dir + "/other", "x");
  const auto c = next_changes();
  CHECK_FALSE(c.config);
  CHECK(c.depends.empty());
}

TEST(ConfigWatch, DependsFileChangeReportsItsPath) {
  const std::string dep = dir2 + "/dep.txt";
  write_file(dep, "v1");
  w.watch_depends({dep});
  write_file(dep, "v2");
  const auto c = next_changes();
  CHECK_FALSE(c.config);
  CHECK_TEXT(has(c.depends, dep), "depends change not reported");
  for (const auto& p : c.depends) STRCMP_EQUAL(dep.c_str(), p.c_str());
}

TEST(ConfigWatch, DependsReplacedByRenameReportsItsPath) {
  const std::string dep = dir2 + "/dep.txt";
  w.watch_depends({dep});
  write_file(dir2 + "/other.txt", "new");
  CHECK_EQUAL(0, ::rename((dir2 + "/other.txt").c_str(), dep.c_str()));
  const auto c = next_changes();
  CHECK(has(c.depends, dep));
}

TEST(ConfigWatch, OtherFileBesideADependsFileIsNotReported) {
  w.watch_depends({dir2 + "/dep.txt"});
  write_file(dir2 + "/other.txt", "x");
  const auto c = next_changes();
  CHECK_FALSE(c.config);
  CHECK(c.depends.empty());
}

TEST(ConfigWatch, DependsInTheConfigDirectory) {
  const std::string dep = dir + "/dep.txt";
  w.watch_depends({dep});
  write_file(dep, "x");
  auto c = next_changes();
  CHECK_FALSE(c.config);
  CHECK(has(c.depends, dep));
  // Dropping that depends must keep the config's own watch.
  w.watch_depends({});
  write_file(conf, "job {\n}\n");
  c = next_changes();
  CHECK(c.config);
  CHECK(c.depends.empty());
}

TEST(ConfigWatch, DroppedDependsDirectoryIsNoLongerWatched) {
  const std::string dep = dir2 + "/dep.txt";
  w.watch_depends({dep});
  w.watch_depends({});
  write_file(dep, "x");
  // The config write is the sentinel: once it arrives, the earlier depends
  // write would have been queued before it.
  write_file(conf, "y");
  const auto c = next_changes();
  CHECK(c.config);
  CHECK(c.depends.empty());
}

TEST(ConfigWatch, DroppedDependsFileInAStillWatchedDirectoryIsNotReported) {
  const std::string dep = dir2 + "/dep.txt";
  const std::string kept = dir2 + "/other.txt";
  w.watch_depends({dep, kept});
  w.watch_depends({kept});
  write_file(dep, "x");
  write_file(kept, "y");
  const auto c = next_changes();
  CHECK_FALSE(has(c.depends, dep));
  CHECK(has(c.depends, kept));
}

// The same directory reached through another spelling of its path (here
// "DIR//dep.txt", a plausible typo) gets the same inotify watch descriptor:
// dropping that depends must not remove the config directory's watch, or
// every later save of pmtr.conf goes unnoticed.
TEST(ConfigWatch, DependsAliasOfTheConfigDirectoryKeepsTheConfigWatch) {
  w.watch_depends({dir + "//dep.txt"});
  w.watch_depends({});
  write_file(conf, "job {\n}\n");
  // Other events (IN_IGNORED of a removed watch) may come first: keep
  // reading until the config shows up or the deadline passes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  bool config = false;
  while (!config && std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!wait_readable(w.fd(), left)) break;
    config = w.read_events().config;
  }
  CHECK_TEXT(config, "config change not reported: the config directory's watch was removed");
}

TEST(ConfigWatch, BurstOfWritesIsDrainedAtOnce) {
  // Interleaved with another file so inotify cannot merge the events: far
  // more than one read() buffer's worth.
  for (int i = 0; i < 50; ++i) {
    write_file(conf, "v" + std::to_string(i));
    write_file(dir + "/other", "o" + std::to_string(i));
  }
  const auto c = next_changes();
  CHECK(c.config);
  CHECK(c.depends.empty());
  CHECK_FALSE(readable_now(w.fd()));
  const auto again = w.read_events();
  CHECK_FALSE(again.config);
  CHECK(again.depends.empty());
}

TEST(ConfigWatch, ReadEventsWithNothingPendingReturnsNothing) {
  const auto c = w.read_events();
  CHECK_FALSE(c.config);
  CHECK(c.depends.empty());
}

TEST(ConfigWatch, InitOnAMissingDirectoryFails) {
  ConfigWatch other;
  CHECK_FALSE(other.init(dir + "/missing/pmtr.conf").ok());
}

TEST(ConfigWatch, SplitPath) {
  auto p = split_path("/a/b/c");
  STRCMP_EQUAL("/a/b", p.first.c_str());
  STRCMP_EQUAL("c", p.second.c_str());
  p = split_path("/c");
  STRCMP_EQUAL("/", p.first.c_str());
  STRCMP_EQUAL("c", p.second.c_str());
  p = split_path("c");
  STRCMP_EQUAL(".", p.first.c_str());
  STRCMP_EQUAL("c", p.second.c_str());
}
