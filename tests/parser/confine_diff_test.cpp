// The differ (parser/config_diff.cpp) and the new options: each
// confinement, capture or access option written, changed or removed
// alone makes its job a TxnChange, and the same text keeps it.  That
// includes `operators`: the monitor decides that an operators-only change
// restarts nothing (monitor/supervisor.cpp); the parser still reports it.
#include "parser/config_diff.hpp"

#include <string>
#include <variant>

#include "parser/config_parser.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

struct Counts {
  size_t kept = 0, changed = 0, added = 0, removed = 0;
};

Counts diff(const std::vector<JobDesc>& before, const std::vector<JobDesc>& after) {
  Counts n;
  for (const auto& m : make_transaction(1, before, after, GlobalConfig{}, 0)) {
    if (auto* k = std::get_if<MsgTxnKeep>(&m)) n.kept += k->jobs.size();
    if (auto* c = std::get_if<MsgTxnChange>(&m)) n.changed += c->jobs.size();
    if (auto* a = std::get_if<MsgTxnAdd>(&m)) n.added += a->jobs.size();
    if (std::holds_alternative<MsgTxnRemove>(m)) ++n.removed;
  }
  return n;
}

std::vector<JobDesc> jobs_of(const std::string& text) {
  const ParsedConfig c = parse_config(text);
  CHECK_EQUAL_TEXT(0u, c.errors(), text.c_str());
  return c.jobs;
}

const std::string kHead = "job {\n name a\n cmd /bin/sleep 1\n";
const std::string kOptions =
    " umask 027\n group www-data\n groups ssl-cert adm\n caps net_bind_service\n nonewprivs\n"
    " limit memory 512M\n limit swap 1G\n limit tasks 100\n limit cpu 150%\n log\n operators alice @deploy\n";

std::string with_edit(const char* from, const char* to) {
  std::string text = kHead + kOptions + "}\n";
  const size_t at = text.find(from);
  CHECK_TEXT(at != std::string::npos, from);
  text.replace(at, std::string(from).size(), to);
  return text;
}

}  // namespace

TEST_GROUP(ConfineDiff){};

TEST(ConfineDiff, TheSameTextKeepsTheJob) {
  const auto base = jobs_of(kHead + kOptions + "}\n");
  const Counts n = diff(base, jobs_of(kHead + kOptions + "}\n"));
  CHECK_EQUAL(1u, n.kept);
  CHECK_EQUAL(0u, n.changed);
}

TEST(ConfineDiff, EachOptionChangedOrRemovedAloneIsAChange) {
  const auto base = jobs_of(kHead + kOptions + "}\n");
  const char* edits[][2] = {
      {" umask 027\n", " umask 077\n"},
      {" umask 027\n", " umask 022\n"},   // the default, but written: a change of what was written
      {" umask 027\n", ""},
      {" group www-data\n", " group staff\n"},
      {" group www-data\n", ""},
      {" groups ssl-cert adm\n", " groups ssl-cert\n"},
      {" groups ssl-cert adm\n", " groups none\n"},
      {" groups ssl-cert adm\n", ""},
      {" caps net_bind_service\n", " caps net_bind_service net_raw\n"},
      {" caps net_bind_service\n", " caps none\n"},
      {" caps net_bind_service\n", ""},
      {" nonewprivs\n", ""},
      {" limit memory 512M\n", " limit memory 513M\n"},
      {" limit memory 512M\n", ""},
      {" limit swap 1G\n", " limit swap 0\n"},
      {" limit swap 1G\n", ""},
      {" limit tasks 100\n", " limit tasks 101\n"},
      {" limit cpu 150%\n", " limit cpu 100%\n"},
      {" limit cpu 150%\n", ""},
      {" log\n", ""},
      {" operators alice @deploy\n", " operators alice\n"},
      {" operators alice @deploy\n", " operators @deploy alice\n"},
      {" operators alice @deploy\n", ""},
  };
  for (const auto& e : edits) {
    const Counts n = diff(base, jobs_of(with_edit(e[0], e[1])));
    CHECK_EQUAL_TEXT(1u, n.changed, (std::string(e[0]) + "->" + e[1]).c_str());
    CHECK_EQUAL_TEXT(0u, n.kept, (std::string(e[0]) + "->" + e[1]).c_str());
  }
}

TEST(ConfineDiff, EachOptionAddedAloneToAPlainJobIsAChange) {
  const auto plain = jobs_of(kHead + "}\n");
  const char* lines[] = {" umask 022\n",        " group g\n",      " groups none\n",  " groups g\n",
                         " caps none\n",        " caps chown\n",   " nonewprivs\n",   " limit memory 1G\n",
                         " limit swap 0\n",     " limit tasks 5\n", " limit cpu 50%\n", " log\n",
                         " operators alice\n"};
  for (const char* l : lines) {
    const Counts n = diff(plain, jobs_of(kHead + l + "}\n"));
    CHECK_EQUAL_TEXT(1u, n.changed, l);
    CHECK_EQUAL_TEXT(0u, n.kept, l);
  }
}

TEST(ConfineDiff, ReorderingLinesOrCapsIsNotAChange) {
  const auto base = jobs_of(kHead + kOptions + "}\n");
  // Lines in another order, and the caps in another order and spelling:
  // the same definition.
  const std::string moved = kHead +
                            " operators alice @deploy\n log\n limit cpu 150%\n limit tasks 100\n limit swap 1G\n"
                            " limit memory 512M\n nonewprivs\n caps CAP_NET_BIND_SERVICE\n groups ssl-cert adm\n"
                            " group www-data\n umask 0027\n}\n";
  const Counts n = diff(base, jobs_of(moved));
  CHECK_EQUAL(1u, n.kept);
  CHECK_EQUAL(0u, n.changed);
}

TEST(ConfineDiff, GlobalsAreNotJobChanges) {
  const auto base = jobs_of(kHead + "}\n");
  const Counts n = diff(base, jobs_of("log all\ncontrol operate users @ops\n" + kHead + "}\n"));
  CHECK_EQUAL(1u, n.kept);
  CHECK_EQUAL(0u, n.changed);
}
