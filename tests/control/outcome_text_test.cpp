// control/outcome_text.{hpp,cpp}: the one-line messages for refusals,
// failures and transport problems.
#include "control/outcome_text.hpp"

#include <cerrno>
#include <string>

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;

namespace {

Command cmd(Verb v, std::vector<std::string> names = {"web"}) {
  Command c;
  c.verb = v;
  c.names = std::move(names);
  return c;
}

Answer answer(AnswerKind k, int err, std::string why) {
  Answer a;
  a.kind = k;
  a.err = err;
  a.why = std::move(why);
  return a;
}

}  // namespace

TEST_GROUP(OutcomeText){};

TEST(OutcomeText, NoSuchJob) {
  STRCMP_EQUAL("no job 'wbe' (did you mean 'web'?)", no_such_job_text("wbe", "web").c_str());
  STRCMP_EQUAL("no job 'zzz'", no_such_job_text("zzz", "").c_str());
}

TEST(OutcomeText, DeniedNamesTheRight) {
  STRCMP_EQUAL("permission denied: stop web needs the 'operate' right (root, 'control operate', or the job's "
               "'operators')",
               denied_text(cmd(Verb::Stop, {"db", "web"}), "operate web").c_str());
  Command sig = cmd(Verb::Signal);
  sig.signal = 1;
  STRCMP_EQUAL("permission denied: signal HUP web needs the 'operate' right (root, 'control operate', or the "
               "job's 'operators')",
               denied_text(sig, "operate web").c_str());
  STRCMP_EQUAL("permission denied: status needs the 'status' right (root or 'control status')",
               denied_text(cmd(Verb::Status, {}), "status").c_str());
  STRCMP_EQUAL("permission denied: metrics needs the 'status' right (root or 'control status')",
               denied_text(cmd(Verb::Metrics, {}), "status").c_str());
  STRCMP_EQUAL("permission denied: reload needs the 'operate' right (root or 'control operate')",
               denied_text(cmd(Verb::Reload, {}), "operate").c_str());
  STRCMP_EQUAL("permission denied: reload needs root", denied_text(cmd(Verb::Reload, {}), "reexec").c_str());
  STRCMP_EQUAL("permission denied: reload needs the 'config' right", denied_text(cmd(Verb::Reload, {}), "config").c_str());
  STRCMP_EQUAL("permission denied: start web is not allowed for this user", denied_text(cmd(Verb::Start), "").c_str());
}

TEST(OutcomeText, RefusedPointsAtTheConfig) {
  STRCMP_EQUAL("cannot start web: it is disabled in the config (remove its 'disable' line, then save or reload)",
               refused_text(cmd(Verb::Start, {"db", "web"}), "web").c_str());
}

TEST(OutcomeText, FailedPerCommand) {
  Command w = cmd(Verb::Wait, {"web", "db"});
  w.timeout_text = "30s";
  w.target = WaitTarget::Ready;
  STRCMP_EQUAL("timed out after 30s waiting for db to be ready", failed_text(w, "db").c_str());
  STRCMP_EQUAL("timed out after 30s waiting for web db to be ready", failed_text(w, "").c_str());
  Command s = cmd(Verb::Signal);
  s.signal = 15;
  STRCMP_EQUAL("cannot signal TERM web: it is not running", failed_text(s, "web").c_str());
  STRCMP_EQUAL("reload rejected: the config has errors; no job was touched",
               failed_text(cmd(Verb::Reload, {}), "").c_str());
  STRCMP_EQUAL("restart web failed", failed_text(cmd(Verb::Restart), "").c_str());
}

TEST(OutcomeText, Transport) {
  const std::string s = "/run/pmtr/control";
  STRCMP_EQUAL("no pmtr answers on /run/pmtr/control: No such file or directory (is pmtr running? -s SOCKET)",
               transport_text(s, answer(AnswerKind::NoAnswer, ENOENT, "")).c_str());
  STRCMP_EQUAL("no pmtr answers on /run/pmtr/control: Connection refused (is pmtr running? -s SOCKET)",
               transport_text(s, answer(AnswerKind::NoAnswer, ECONNREFUSED, "")).c_str());
  STRCMP_EQUAL("no pmtr answers on /run/pmtr/control: no reply within 5 s",
               transport_text(s, answer(AnswerKind::NoAnswer, ETIMEDOUT, "no reply within 5 s")).c_str());
  STRCMP_EQUAL("no pmtr answers on /run/pmtr/control: receive: Connection reset by peer",
               transport_text(s, answer(AnswerKind::NoAnswer, ECONNRESET, "receive")).c_str());
  STRCMP_EQUAL("permission denied: cannot connect to /run/pmtr/control: Permission denied",
               transport_text(s, answer(AnswerKind::NoAccess, EACCES, "connect")).c_str());
  STRCMP_EQUAL("pmtr on /run/pmtr/control sent a malformed reply: truncated record (are pmtr and pmtrctl the "
               "same version?)",
               transport_text(s, answer(AnswerKind::Malformed, 0, "truncated record")).c_str());
  STRCMP_EQUAL("pmtr on /x is busy (too many clients); try again", busy_text("/x").c_str());
}
