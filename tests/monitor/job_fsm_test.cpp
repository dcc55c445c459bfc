// The lifecycle table, every (state, event) pair: the expected table is
// written out again below in a notation of its own, and every one of the
// kJobStates x kJobEvents pairs is compared with job_transition().  A
// pair missing from the listing is expected to be a bug.  Then a few
// properties that no row may break, whatever a later edit does.
#include "monitor/job_fsm.hpp"

#include <map>
#include <sstream>
#include <string>
#include <vector>

// CppUTest last: its operator new macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

// state event -> next [actions...]   or   state event ignore
// Action words: take reset note delay exit-gate ready-gate stop kill spawn erase
constexpr const char* kExpected = R"(
absent added -> waiting take
absent disabled -> disabled take

waiting changed -> waiting take
waiting disabled -> disabled take
waiting removed -> absent erase
waiting released -> starting spawn
waiting refresh ignore
waiting operator-start -> starting spawn
waiting operator-stop -> stopped
waiting operator-restart -> starting spawn
waiting shutdown -> done

starting changed -> stopping-restart stop
starting disabled -> stopping-disable stop
starting removed -> stopping-remove stop
starting spawned -> running
starting spawned-unready -> starting
starting ready -> ready ready-gate
starting not-ready -> stopping-delay stop
starting exit-restart -> starting reset exit-gate spawn
starting exit-delay -> delayed note delay exit-gate
starting exit-done -> done exit-gate
starting exit-give-up -> failed note exit-gate
starting released ignore
starting refresh -> stopping-restart stop
starting operator-start ignore
starting operator-stop -> stopping-hold stop
starting operator-restart -> stopping-restart reset stop
starting shutdown -> stopping-done stop
starting start-refused -> failed exit-gate
starting leftovers -> draining

running changed -> stopping-restart stop
running disabled -> stopping-disable stop
running removed -> stopping-remove stop
running exit-restart -> starting reset exit-gate spawn
running exit-delay -> delayed note delay exit-gate
running exit-done -> done exit-gate
running exit-give-up -> failed note exit-gate
running released ignore
running refresh -> stopping-restart stop
running operator-start ignore
running operator-stop -> stopping-hold stop
running operator-restart -> stopping-restart reset stop
running shutdown -> stopping-done stop

ready changed -> stopping-restart stop
ready disabled -> stopping-disable stop
ready removed -> stopping-remove stop
ready exit-restart -> starting reset exit-gate spawn
ready exit-delay -> delayed note delay exit-gate
ready exit-done -> done exit-gate
ready exit-give-up -> failed note exit-gate
ready released ignore
ready refresh -> stopping-restart stop
ready operator-start ignore
ready operator-stop -> stopping-hold stop
ready operator-restart -> stopping-restart reset stop
ready shutdown -> stopping-done stop

stopping-restart changed -> stopping-restart
stopping-restart disabled -> stopping-disable
stopping-restart removed -> stopping-remove
stopping-restart exit-restart -> starting take spawn
stopping-restart exit-delay -> starting take spawn
stopping-restart exit-done -> starting take spawn
stopping-restart exit-give-up -> starting take spawn
stopping-restart stop-timeout -> stopping-restart kill
stopping-restart released ignore
stopping-restart refresh ignore
stopping-restart operator-start ignore
stopping-restart operator-stop -> stopping-hold
stopping-restart operator-restart -> stopping-restart reset
stopping-restart shutdown -> stopping-done

stopping-delay changed -> stopping-restart
stopping-delay disabled -> stopping-disable
stopping-delay removed -> stopping-remove
stopping-delay exit-delay -> delayed note delay exit-gate
stopping-delay exit-done -> done exit-gate
stopping-delay exit-give-up -> failed note exit-gate
stopping-delay stop-timeout -> stopping-delay kill
stopping-delay released ignore
stopping-delay refresh ignore
stopping-delay operator-start -> stopping-restart reset
stopping-delay operator-stop -> stopping-hold
stopping-delay operator-restart -> stopping-restart reset
stopping-delay shutdown -> stopping-done

stopping-hold changed -> stopping-hold
stopping-hold disabled -> stopping-disable
stopping-hold removed -> stopping-remove
stopping-hold exit-restart -> stopped take
stopping-hold exit-delay -> stopped take
stopping-hold exit-done -> stopped take
stopping-hold exit-give-up -> stopped take
stopping-hold stop-timeout -> stopping-hold kill
stopping-hold released ignore
stopping-hold refresh ignore
stopping-hold operator-start -> stopping-restart reset
stopping-hold operator-stop ignore
stopping-hold operator-restart -> stopping-restart reset
stopping-hold shutdown -> stopping-done

stopping-disable changed -> stopping-restart
stopping-disable disabled -> stopping-disable
stopping-disable removed -> stopping-remove
stopping-disable exit-restart -> disabled take
stopping-disable exit-delay -> disabled take
stopping-disable exit-done -> disabled take
stopping-disable exit-give-up -> disabled take
stopping-disable stop-timeout -> stopping-disable kill
stopping-disable released ignore
stopping-disable refresh ignore
stopping-disable operator-start ignore
stopping-disable operator-stop ignore
stopping-disable operator-restart ignore
stopping-disable shutdown -> stopping-done

stopping-remove added -> stopping-restart
stopping-remove disabled -> stopping-disable
stopping-remove exit-restart -> absent erase
stopping-remove exit-delay -> absent erase
stopping-remove exit-done -> absent erase
stopping-remove exit-give-up -> absent erase
stopping-remove stop-timeout -> stopping-remove kill
stopping-remove released ignore
stopping-remove refresh ignore
stopping-remove operator-start ignore
stopping-remove operator-stop ignore
stopping-remove operator-restart ignore
stopping-remove shutdown ignore

stopping-done exit-restart -> done take
stopping-done exit-delay -> done take
stopping-done exit-done -> done take
stopping-done exit-give-up -> done take
stopping-done stop-timeout -> stopping-done kill
stopping-done released ignore
stopping-done refresh ignore
stopping-done operator-start ignore
stopping-done operator-stop ignore
stopping-done operator-restart ignore
stopping-done shutdown ignore

draining changed -> draining take
draining disabled -> disabled take
draining removed -> absent erase
draining released ignore
draining refresh ignore
draining operator-start ignore
draining operator-stop -> stopped
draining operator-restart -> draining reset
draining shutdown -> done
draining drained -> starting spawn

delayed changed -> waiting take
delayed disabled -> disabled take
delayed removed -> absent erase
delayed delay-elapsed -> starting spawn
delayed released ignore
delayed refresh ignore
delayed operator-start -> starting reset spawn
delayed operator-stop -> stopped
delayed operator-restart -> starting reset spawn
delayed shutdown -> done

stopped changed -> stopped take
stopped disabled -> disabled take
stopped removed -> absent erase
stopped released ignore
stopped refresh ignore
stopped operator-start -> starting reset spawn
stopped operator-stop ignore
stopped operator-restart -> starting reset spawn
stopped shutdown ignore

disabled changed -> waiting take
disabled disabled -> disabled take
disabled removed -> absent erase
disabled released ignore
disabled refresh ignore
disabled operator-start ignore
disabled operator-stop ignore
disabled operator-restart ignore
disabled shutdown ignore

done changed -> waiting take
done disabled -> disabled take
done removed -> absent erase
done released ignore
done refresh ignore
done operator-start -> starting reset spawn
done operator-stop -> stopped
done operator-restart -> starting reset spawn
done shutdown ignore

failed changed -> waiting take
failed disabled -> disabled take
failed removed -> absent erase
failed released ignore
failed refresh ignore
failed operator-start -> starting reset spawn
failed operator-stop -> stopped
failed operator-restart -> starting reset spawn
failed shutdown ignore
)";

const std::map<std::string, uint16_t> kActionWords = {
    {"take", kTakeDefinition}, {"reset", kResetBackoff}, {"note", kNoteQuickExit},
    {"delay", kArmDelay},      {"exit-gate", kOpenExitGate}, {"ready-gate", kOpenReadyGate},
    {"stop", kSignalStop},     {"kill", kKill},           {"spawn", kSpawn},
    {"erase", kErase},
};

std::vector<JobState> all_states() {
  std::vector<JobState> v;
  for (int i = 0; i < kJobStates; ++i) v.push_back(static_cast<JobState>(i));
  return v;
}
std::vector<JobEvent> all_events() {
  std::vector<JobEvent> v;
  for (int i = 0; i < kJobEvents; ++i) v.push_back(static_cast<JobEvent>(i));
  return v;
}

std::string describe(const Transition& t) {
  switch (t.kind) {
    case TransitionKind::Bug: return "bug";
    case TransitionKind::Ignore: return "ignore";
    case TransitionKind::Apply: break;
  }
  std::string s = std::string("-> ") + job_state_detail(t.next);
  for (const auto& [word, bit] : kActionWords)
    if (t.actions & bit) s += " " + word;
  return s;
}

// The listing, as "state event" -> the same notation describe() writes.
std::map<std::string, std::string> expected_table() {
  std::map<std::string, std::string> out;
  std::istringstream in(kExpected);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string state, event, what;
    if (!(words >> state >> event >> what)) continue;
    if (what == "ignore") {
      out[state + " " + event] = "ignore";
      continue;
    }
    std::string next, w;
    words >> next;
    uint16_t actions = 0;
    while (words >> w) {
      const auto it = kActionWords.find(w);
      CHECK_TEXT(it != kActionWords.end(), ("unknown action word " + w).c_str());
      if (it != kActionWords.end()) actions |= it->second;
    }
    std::string s = "-> " + next;
    for (const auto& [word, bit] : kActionWords)
      if (actions & bit) s += " " + word;
    CHECK_TEXT(out.count(state + " " + event) == 0, ("listed twice: " + state + " " + event).c_str());
    out[state + " " + event] = s;
  }
  return out;
}

}  // namespace

TEST_GROUP(JobFsm){};

TEST(JobFsm, EveryStateEventPairIsAsListed) {
  const auto expected = expected_table();
  size_t listed = 0, pairs = 0;
  for (JobState s : all_states()) {
    for (JobEvent e : all_events()) {
      ++pairs;
      const std::string key = std::string(job_state_detail(s)) + " " + job_event_name(e);
      const auto it = expected.find(key);
      const std::string want = it == expected.end() ? "bug" : it->second;
      listed += it != expected.end();
      STRCMP_EQUAL_TEXT(want.c_str(), describe(job_transition(s, e)).c_str(), key.c_str());
    }
  }
  CHECK_EQUAL(static_cast<size_t>(kJobStates) * kJobEvents, pairs);
  // Every line of the listing named a real pair.
  CHECK_EQUAL(expected.size(), listed);
}

TEST(JobFsm, NamesAreDistinctAndStatusShowsOneStoppingState) {
  std::map<std::string, int> seen;
  for (JobState s : all_states()) ++seen[job_state_detail(s)];
  for (JobEvent e : all_events()) ++seen[std::string("event:") + job_event_name(e)];
  for (const auto& [name, n] : seen) CHECK_EQUAL_TEXT(1, n, name.c_str());
  for (JobState s : all_states()) {
    const std::string pub = job_state_name(s);
    if (is_stopping(s) || s == JobState::Draining) STRCMP_EQUAL("stopping", pub.c_str());
    else STRCMP_EQUAL(job_state_detail(s), pub.c_str());
  }
  // The status vocabulary: exactly the ten names of pmtr(8), plus absent.
  std::map<std::string, int> pub;
  for (JobState s : all_states()) ++pub[job_state_name(s)];
  CHECK_EQUAL(11u, pub.size());
}

// Out-of-range input is a bug, never undefined behaviour.
TEST(JobFsm, OutOfRangeIsABug) {
  CHECK(job_transition(static_cast<JobState>(kJobStates), JobEvent::Added).kind == TransitionKind::Bug);
  CHECK(job_transition(JobState::Running, static_cast<JobEvent>(kJobEvents)).kind == TransitionKind::Bug);
  CHECK(job_transition(static_cast<JobState>(255), static_cast<JobEvent>(255)).kind == TransitionKind::Bug);
}

// Properties: a process is signalled only where one exists; the up states
// and the stopping states agree with is_up/is_stopping; shutdown never
// starts anything; stopping states never start anything but a restart.
TEST(JobFsm, OnlyStatesWithAProcessSignalOrKill) {
  for (JobState s : all_states())
    for (JobEvent e : all_events()) {
      const Transition t = job_transition(s, e);
      if (t.kind != TransitionKind::Apply) continue;
      if (t.actions & (kSignalStop | kKill)) CHECK_TEXT(is_up(s) || is_stopping(s), job_state_detail(s));
      if (t.actions & kSignalStop) CHECK_TEXT(is_stopping(t.next), job_state_detail(t.next));
    }
}

TEST(JobFsm, ShutdownNeverStartsAndEndsEveryUpJobAsStoppingDone) {
  for (JobState s : all_states()) {
    const Transition t = job_transition(s, JobEvent::Shutdown);
    if (t.kind == TransitionKind::Apply) CHECK_FALSE(t.actions & kSpawn);
    if (is_up(s)) {
      CHECK(t.next == JobState::StoppingDone);
      CHECK(t.actions & kSignalStop);
    }
  }
  for (JobEvent e : all_events()) {
    const Transition t = job_transition(JobState::StoppingDone, e);
    if (t.kind == TransitionKind::Apply) CHECK_FALSE(t.actions & kSpawn);
  }
}

TEST(JobFsm, EveryExitFromEveryStateWithAProcessIsHandled) {
  const JobEvent exits[] = {JobEvent::ExitRestart, JobEvent::ExitDelay, JobEvent::ExitDone, JobEvent::ExitGiveUp};
  for (JobState s : all_states()) {
    if (!is_up(s) && !is_stopping(s)) continue;
    for (JobEvent e : exits) {
      const Transition t = job_transition(s, e);
      // The one exception: a failed readiness is always a quick exit.
      if (s == JobState::StoppingDelay && e == JobEvent::ExitRestart) {
        CHECK(t.kind == TransitionKind::Bug);
        continue;
      }
      CHECK_TEXT(t.kind == TransitionKind::Apply, job_state_detail(s));
      CHECK_TEXT(!is_up(t.next) || (t.actions & kSpawn), job_state_detail(s));   // up again only by a spawn
    }
  }
}

// A refused start and leftovers come back from the spawn itself, so only
// `starting` hears them; only `draining` hears that leftovers are gone,
// and only there does the start happen.
TEST(JobFsm, RefusalsAndLeftoversAreAnsweredOnlyWhileStarting) {
  for (JobState s : all_states()) {
    for (JobEvent e : {JobEvent::StartRefused, JobEvent::Leftovers})
      CHECK_TEXT((job_transition(s, e).kind == TransitionKind::Apply) == (s == JobState::Starting), job_state_detail(s));
    CHECK_TEXT((job_transition(s, JobEvent::Drained).kind == TransitionKind::Apply) == (s == JobState::Draining),
               job_state_detail(s));
  }
  CHECK(job_transition(JobState::Starting, JobEvent::StartRefused).next == JobState::Failed);
  // Never a spawn into leftovers: only Drained starts a draining job.
  for (JobEvent e : all_events()) {
    const Transition t = job_transition(JobState::Draining, e);
    if (t.kind == TransitionKind::Apply && (t.actions & kSpawn)) CHECK(e == JobEvent::Drained);
  }
}

TEST(JobFsm, AnOperatorStopIsStickyAndOnlyAStartOrRestartEndsIt) {
  for (JobEvent e : all_events()) {
    const Transition t = job_transition(JobState::Stopped, e);
    if (t.kind != TransitionKind::Apply) continue;
    const bool operator_start = e == JobEvent::OperatorStart || e == JobEvent::OperatorRestart;
    const bool config_leaves = e == JobEvent::Removed || e == JobEvent::Disabled;
    CHECK_TEXT(t.next == JobState::Stopped || operator_start || config_leaves, job_event_name(e));
  }
}
