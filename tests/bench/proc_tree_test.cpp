// bench/proc_tree: reading /proc, and the process-tree walk that finds
// what the bench started, grandchildren included.
#include "bench/proc_tree.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "bench/proc_events.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr::bench;

namespace {

bool contains(const std::vector<pid_t>& v, pid_t p) { return std::find(v.begin(), v.end(), p) != v.end(); }

// A child that forks a grandchild and reports its pid through a pipe; both
// sleep until killed.
struct Family {
  pid_t child = -1;
  pid_t grandchild = -1;
  Family() {
    int p[2];
    if (pipe(p) != 0) return;
    child = fork();
    if (child == 0) {
      close(p[0]);
      const pid_t g = fork();
      if (g == 0) {
        pause();
        _exit(0);
      }
      (void)!write(p[1], &g, sizeof g);
      pause();
      _exit(0);
    }
    close(p[1]);
    (void)!read(p[0], &grandchild, sizeof grandchild);
    close(p[0]);
  }
  ~Family() {
    if (grandchild > 0) kill(grandchild, SIGKILL);
    if (child > 0) {
      kill(child, SIGKILL);
      int st;
      waitpid(child, &st, 0);
    }
  }
};

}  // namespace

TEST_GROUP(BenchProcTree){};

TEST(BenchProcTree, StatParsesACommWithSpacesAndParentheses) {
  const auto st = parse_stat("123 (a b) (c)) S 45 123 123 0 -1 4194304 10 0 0 0 7 3 0 0 20 0 1 0 100 0 0");
  CHECK_TRUE(st.has_value());
  CHECK_EQUAL('S', st->state);
  LONGS_EQUAL(45, st->ppid);
  LONGS_EQUAL(7, st->utime_ticks);
  LONGS_EQUAL(3, st->stime_ticks);
  CHECK_FALSE(parse_stat("garbage").has_value());
  CHECK_FALSE(parse_stat("1 (x) S 2 3").has_value());
}

TEST(BenchProcTree, OwnStatusAndMemoryAreReadable) {
  const auto st = read_stat(getpid());
  CHECK_TRUE(st.has_value());
  LONGS_EQUAL(getppid(), st->ppid);
  CHECK_TRUE(alive(getpid()));
  const auto mem = read_memory(getpid());
  CHECK_TRUE(mem.has_value());
  CHECK_TRUE(mem->rss_kib > 0);
  CHECK_TRUE(mem->pss_kib > 0);
  CHECK_TRUE(mem->pss_kib <= mem->rss_kib);
  CHECK_TRUE(status_number(getpid(), "voluntary_ctxt_switches") + status_number(getpid(), "nonvoluntary_ctxt_switches") > 0);
  CHECK_FALSE(exe_of(getpid()).empty());
  CHECK_TRUE(ticks_per_second() > 0);
}

TEST(BenchProcTree, SmapsRollupFields) {
  const Memory m = parse_smaps_rollup(
      "5581a0000000-7ffd5e3f1000 ---p 00000000 00:00 0                          [rollup]\n"
      "Rss:                3952 kB\nPss:                2071 kB\nPss_Dirty:          1500 kB\n");
  LONGS_EQUAL(3952, m.rss_kib);
  LONGS_EQUAL(2071, m.pss_kib);
}

TEST(BenchProcTree, WalkFindsAForkedGrandchild) {
  Family f;
  CHECK_TRUE(f.child > 0);
  CHECK_TRUE(f.grandchild > 0);
  const auto all = descendants(getpid());
  CHECK_TRUE(contains(all, f.child));
  CHECK_TRUE(contains(all, f.grandchild));
  const auto below_child = descendants(f.child);
  LONGS_EQUAL(1, below_child.size());
  LONGS_EQUAL(f.grandchild, below_child[0]);
  LONGS_EQUAL(f.child, parent_of(f.grandchild));
  CHECK_TRUE(contains(children_of(getpid()), f.child));
  CHECK_FALSE(contains(children_of(getpid()), f.grandchild));
  CHECK_TRUE(contains(children_of(f.child), f.grandchild));
}

TEST(BenchProcTree, GoneProcessesAreNotAlive) {
  const pid_t p = fork();
  if (p == 0) _exit(0);
  // A zombie is not alive; a reaped pid has no /proc entry.
  const uint64_t deadline = now_ns() + 5000000000u;
  while (alive(p) && now_ns() < deadline) usleep(1000);
  CHECK_FALSE(alive(p));
  int st;
  waitpid(p, &st, 0);
  CHECK_FALSE(alive(p));
  CHECK_FALSE(read_stat(p).has_value());
  LONGS_EQUAL(-1, parent_of(p));
}
