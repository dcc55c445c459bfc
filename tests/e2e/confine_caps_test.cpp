// The in-child confinement options end to end (pmtr.conf(5) umask, group,
// groups, caps, nonewprivs; pmtr(8) CONFINEMENT): read back from
// /proc/PID/status of the running job, and from what the job itself can
// do (the mode of a file it creates, binding a privileged port).
#include <sys/stat.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <string>

#include "tests/support/e2e_harness.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/test_user.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr::test;

namespace {

std::set<gid_t> groups_of(pid_t p) {
  std::set<gid_t> out;
  std::istringstream in(proc_status_field(p, "Groups"));
  for (unsigned v; in >> v;) out.insert(static_cast<gid_t>(v));
  return out;
}

std::string all4(unsigned id) {
  const std::string s = std::to_string(id);
  return s + "\t" + s + "\t" + s + "\t" + s;
}

// CAP_NET_BIND_SERVICE (10) alone, as /proc/PID/status shows a set.
constexpr const char* kNetBind = "0000000000000400";
constexpr const char* kNoCaps = "0000000000000000";

// Binds the first free privileged port of 600..700 on loopback and prints
// "ok", or the error (EACCES: "Permission denied").  Perl with Socket is in
// perl-base, which every Debian system has.
constexpr const char* kBindScript =
    "use Socket;\n"
    "socket(S, PF_INET, SOCK_STREAM, 0) or die \"socket: $!\";\n"
    "setsockopt(S, SOL_SOCKET, SO_REUSEADDR, 1);\n"
    "$| = 1;\n"
    "for my $p (600 .. 700) {\n"
    "  if (bind(S, sockaddr_in($p, INADDR_LOOPBACK))) { print \"ok\\n\"; sleep 1000; exit 0 }\n"
    "  next if $!{EADDRINUSE};\n"
    "  print \"$!\\n\"; sleep 1000; exit 1;\n"
    "}\n"
    "print \"no free port\\n\"; sleep 1000;\n";

}  // namespace

TEST_GROUP(ConfineCaps) {
  // Declared first: removed last, after pmtr and its jobs are gone.
  TestUser user{"cc", {"ga", "gb"}};
  TempDir dir;
  std::string conf;
  void setup() override {
    conf = dir.file("pmtr.conf");
    // The test user's jobs read the script here (pmtr refuses a config in
    // a directory others may write).
    chmod(dir.path().c_str(), 0755);
  }
  void need_user() { CHECK_TEXT(user.ok(), user.error().c_str()); }
};

TEST(ConfineCaps, UmaskIsTheModeOfFilesTheJobCreates) {
  PMTR_REQUIRE_ROOT();
  const std::string made = dir.file("made");
  write_file(conf, job("um", "/bin/sh -c \"echo x > " + made + "; exec /bin/sleep 1301\"", "  umask 027\n") +
                       job("um0", "/bin/sleep 1302", "  umask 0\n"));
  Pmtr pmtr(conf);
  const pid_t p = pmtr.wait_job("um", 5000ms), q = pmtr.wait_job("um0", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(p) == "/bin/sleep 1301"; }, 5000ms));
  struct stat st {};
  CHECK_EQUAL(0, stat(made.c_str(), &st));
  CHECK_EQUAL(0640, st.st_mode & 07777);
  STRCMP_EQUAL("0027", proc_status_field(p, "Umask").c_str());
  CHECK(poll_until([&] { return proc_cmdline(q) == "/bin/sleep 1302"; }, 5000ms));
  STRCMP_EQUAL("0000", proc_status_field(q, "Umask").c_str());
}

TEST(ConfineCaps, GroupAndGroupsReplaceTheUsersGroups) {
  PMTR_REQUIRE_ROOT();
  need_user();
  if (!user.ok()) return;
  const gid_t ga = user.group_ids()[0], gb = user.group_ids()[1];
  const std::string u = "  user " + user.name() + "\n";
  write_file(conf, job("own", "/bin/sleep 1311", u) +
                       job("grp", "/bin/sleep 1312", u + "  group " + user.groups()[0] + "\n  groups " +
                                                         user.groups()[1] + "\n") +
                       job("nogrp", "/bin/sleep 1313", u + "  groups none\n") +
                       job("rootgrp", "/bin/sleep 1314", "  group " + user.groups()[1] + "\n  groups none\n"));
  Pmtr pmtr(conf);
  const pid_t own = pmtr.wait_job("own", 5000ms), grp = pmtr.wait_job("grp", 5000ms),
              nogrp = pmtr.wait_job("nogrp", 5000ms), rootgrp = pmtr.wait_job("rootgrp", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(rootgrp) == "/bin/sleep 1314"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(grp) == "/bin/sleep 1312"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(own) == "/bin/sleep 1311"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(nogrp) == "/bin/sleep 1313"; }, 5000ms));

  // Without the options: the user's own groups (the baseline the others
  // differ from).
  STRCMP_EQUAL(all4(user.gid()).c_str(), proc_status_field(own, "Gid").c_str());
  CHECK(groups_of(own) == std::set<gid_t>({user.gid(), ga, gb}));
  // group: the primary group; groups: exactly the supplementary list.
  STRCMP_EQUAL(all4(ga).c_str(), proc_status_field(grp, "Gid").c_str());
  STRCMP_EQUAL(all4(user.uid()).c_str(), proc_status_field(grp, "Uid").c_str());
  CHECK(groups_of(grp) == std::set<gid_t>({gb}));
  STRCMP_EQUAL(all4(user.gid()).c_str(), proc_status_field(nogrp, "Gid").c_str());
  CHECK(groups_of(nogrp).empty());
  // Root too: a group switch without a user switch.
  STRCMP_EQUAL(all4(0).c_str(), proc_status_field(rootgrp, "Uid").c_str());
  STRCMP_EQUAL(all4(gb).c_str(), proc_status_field(rootgrp, "Gid").c_str());
  CHECK(groups_of(rootgrp).empty());
}

TEST(ConfineCaps, RootKeepsOnlyTheListedCapabilitiesInEverySet) {
  PMTR_REQUIRE_ROOT();
  write_file(conf, job("one", "/bin/sleep 1321", "  caps net_bind_service\n") +
                       job("none", "/bin/sleep 1322", "  caps none\n") + job("all", "/bin/sleep 1323"));
  Pmtr pmtr(conf);
  const pid_t one = pmtr.wait_job("one", 5000ms), none = pmtr.wait_job("none", 5000ms),
              all = pmtr.wait_job("all", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(one) == "/bin/sleep 1321"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(none) == "/bin/sleep 1322"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(all) == "/bin/sleep 1323"; }, 5000ms));
  for (const char* set : {"CapPrm", "CapEff", "CapBnd"}) {
    STRCMP_EQUAL_TEXT(kNetBind, proc_status_field(one, set).c_str(), set);
    STRCMP_EQUAL_TEXT(kNoCaps, proc_status_field(none, set).c_str(), set);
  }
  STRCMP_EQUAL(kNoCaps, proc_status_field(one, "CapAmb").c_str());
  STRCMP_EQUAL(kNoCaps, proc_status_field(none, "CapAmb").c_str());
  // Without `caps` root's job keeps what pmtr has.
  STRCMP_EQUAL(proc_status_field(pmtr.pid(), "CapBnd").c_str(), proc_status_field(all, "CapBnd").c_str());
  STRCMP_EQUAL(proc_status_field(pmtr.pid(), "CapEff").c_str(), proc_status_field(all, "CapEff").c_str());
  CHECK(std::string(kNetBind) != proc_status_field(all, "CapEff"));
}

TEST(ConfineCaps, AUsersListedCapabilitiesAreAmbientAndWork) {
  PMTR_REQUIRE_ROOT();
  need_user();
  if (!user.ok()) return;
  const std::string script = dir.file("bind.pl");
  write_file(script, kBindScript);
  // Where the jobs, as the user, write what they found.
  const std::string work = dir.file("work");
  CHECK_EQUAL(0, mkdir(work.c_str(), 0755));
  CHECK_EQUAL(0, chown(work.c_str(), user.uid(), user.gid()));
  const std::string u = "  user " + user.name() + "\n  dir " + work + "\n";
  write_file(conf, job("withcap", "/usr/bin/perl " + script, u + "  caps net_bind_service\n  out with.out\n") +
                       job("without", "/usr/bin/perl " + script, u + "  out without.out\n"));
  Pmtr pmtr(conf);
  const pid_t with = pmtr.wait_job("withcap", 5000ms), without = pmtr.wait_job("without", 5000ms);
  CHECK(poll_until([&] { return read_file(work + "/with.out").find('\n') != std::string::npos; }, 5000ms));
  CHECK(poll_until([&] { return read_file(work + "/without.out").find('\n') != std::string::npos; }, 5000ms));
  STRCMP_EQUAL("ok\n", read_file(work + "/with.out").c_str());
  STRCMP_EQUAL("Permission denied\n", read_file(work + "/without.out").c_str());
  for (const char* set : {"CapPrm", "CapEff", "CapAmb", "CapInh"})
    STRCMP_EQUAL_TEXT(kNetBind, proc_status_field(with, set).c_str(), set);
  for (const char* set : {"CapPrm", "CapEff", "CapAmb"})
    STRCMP_EQUAL_TEXT(kNoCaps, proc_status_field(without, set).c_str(), set);
  STRCMP_EQUAL(all4(user.uid()).c_str(), proc_status_field(with, "Uid").c_str());
}

TEST(ConfineCaps, NoNewPrivsOnlyWhereAsked) {
  PMTR_REQUIRE_ROOT();
  write_file(conf, job("nnp", "/bin/sleep 1331", "  nonewprivs\n") + job("plain", "/bin/sleep 1332"));
  Pmtr pmtr(conf);
  const pid_t nnp = pmtr.wait_job("nnp", 5000ms), plain = pmtr.wait_job("plain", 5000ms);
  CHECK(poll_until([&] { return proc_cmdline(nnp) == "/bin/sleep 1331"; }, 5000ms));
  CHECK(poll_until([&] { return proc_cmdline(plain) == "/bin/sleep 1332"; }, 5000ms));
  STRCMP_EQUAL("1", proc_status_field(nnp, "NoNewPrivs").c_str());
  STRCMP_EQUAL("0", proc_status_field(plain, "NoNewPrivs").c_str());
}

// A host fact (a group this host lacks) fails the job at start with a
// message naming the option; the other jobs run.
TEST(ConfineCaps, UnknownGroupFailsTheJobNamingTheOption) {
  PMTR_REQUIRE_ROOT();
  const std::string missing = "pmtr-t-nogroup" + std::to_string(getpid());
  write_file(conf, job("lost", "/bin/sleep 1341", "  group " + missing + "\n") + job("fine", "/bin/sleep 1342"));
  Pmtr pmtr(conf);
  CHECK(pmtr.wait_job("fine", 5000ms) > 0);
  CHECK_TEXT(pmtr.wait_log("job lost: group: group '" + missing + "' does not exist", 5000ms), pmtr.log().c_str());
  CHECK(pmtr.wait_log("(failed)", 5000ms));
  CHECK_EQUAL(-1, pmtr.job_pid("lost"));
}
