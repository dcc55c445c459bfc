// The differ: current table (as keys) + new config -> one transaction.
#include "parser/config_diff.hpp"

#include <string>
#include <variant>

#include "common/limits.hpp"
#include "parser/config_parser.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

JobDesc job(const std::string& name, const std::string& arg = "1") {
  JobDesc j;
  j.name = name;
  j.argv = {"/bin/sleep", arg};
  return j;
}

struct Summary {
  size_t kept = 0, added = 0, changed = 0, removed = 0, records = 0;
  std::vector<std::string> removed_names;
  bool begins = false, ends = false, globals = false;
};

Summary summarize(const std::vector<Message>& msgs) {
  Summary s;
  s.records = msgs.size();
  s.begins = !msgs.empty() && std::holds_alternative<MsgTxnBegin>(msgs.front());
  s.ends = !msgs.empty() && std::holds_alternative<MsgTxnEnd>(msgs.back());
  for (const auto& m : msgs) {
    if (auto* k = std::get_if<MsgTxnKeep>(&m)) s.kept += k->jobs.size();
    if (auto* a = std::get_if<MsgTxnAdd>(&m)) s.added += a->jobs.size();
    if (auto* c = std::get_if<MsgTxnChange>(&m)) s.changed += c->jobs.size();
    if (auto* r = std::get_if<MsgTxnRemove>(&m)) {
      ++s.removed;
      s.removed_names.push_back(r->name);
    }
    if (std::holds_alternative<MsgTxnGlobals>(m)) s.globals = true;
  }
  return s;
}

}  // namespace

TEST_GROUP(ConfigDiff) {};

TEST(ConfigDiff, KeepAddChangeRemove) {
  const std::vector<JobDesc> before{job("keep"), job("change"), job("gone")};
  const std::vector<JobDesc> after{job("keep"), job("change", "2"), job("new")};
  const Summary s = summarize(make_transaction(7, before, after, GlobalConfig{}, 0));
  CHECK(s.begins && s.ends && s.globals);
  CHECK_EQUAL(1u, s.kept);
  CHECK_EQUAL(1u, s.added);
  CHECK_EQUAL(1u, s.changed);
  CHECK_EQUAL(1u, s.removed);
  STRCMP_EQUAL("gone", s.removed_names[0].c_str());
}

TEST(ConfigDiff, MovingABlockOrItsLinesIsNotAChange) {
  JobDesc a = job("a");
  a.pos = {1, 1};
  a.cmd_pos = {3, 7};
  JobDesc moved = job("a");
  moved.pos = {40, 1};
  moved.cmd_pos = {42, 7};
  const Summary s = summarize(make_transaction(1, {a, job("b")}, {job("b"), moved}, GlobalConfig{}, 0));
  CHECK_EQUAL(2u, s.kept);
  CHECK_EQUAL(0u, s.changed);
}

TEST(ConfigDiff, EveryFieldCountsAsAChange) {
  std::vector<JobDesc> variants;
  auto v = [&](auto edit) {
    JobDesc j = job("a");
    edit(j);
    variants.push_back(j);
  };
  v([](JobDesc& j) { j.dir = "/tmp"; });
  v([](JobDesc& j) { j.out = "o"; });
  v([](JobDesc& j) { j.err = "e"; });
  v([](JobDesc& j) { j.in = "i"; });
  v([](JobDesc& j) { j.user = "nobody"; });
  v([](JobDesc& j) { j.env = {"A=1"}; });
  v([](JobDesc& j) { j.has_nice = true; j.nice = 5; });
  v([](JobDesc& j) { j.cpus = {0}; });
  v([](JobDesc& j) { j.ulimits = {Ulimit{7, 64}}; });
  v([](JobDesc& j) { j.bounce_seconds = 60; });
  v([](JobDesc& j) { j.depends = {"/etc/x"}; });
  v([](JobDesc& j) { j.order = 3; });
  v([](JobDesc& j) { j.wait = true; });
  v([](JobDesc& j) { j.once = true; });
  v([](JobDesc& j) { j.disabled = true; });
  for (const auto& changed : variants) {
    const Summary s = summarize(make_transaction(1, {job("a")}, {changed}, GlobalConfig{}, 0));
    CHECK_EQUAL(1u, s.changed);
    CHECK_EQUAL(0u, s.kept);
  }
}

TEST(ConfigDiff, EveryPolicyFieldCountsAsAChange) {
  std::vector<JobDesc> variants;
  auto v = [&](auto edit) {
    JobDesc j = job("a");
    edit(j);
    variants.push_back(j);
  };
  v([](JobDesc& j) { j.policy.restart = RestartMode::OnFailure; });
  v([](JobDesc& j) { j.policy.backoff_min_ms = 1000; });
  v([](JobDesc& j) { j.policy.backoff_max_ms = 300000; });
  v([](JobDesc& j) { j.policy.stable_after_ms = 30000; });
  v([](JobDesc& j) { j.policy.give_up_count = 5; j.policy.give_up_window_ms = 120000; });
  v([](JobDesc& j) { j.policy.stop_signal = 2; });
  v([](JobDesc& j) { j.policy.stop_timeout_ms = 0; });
  v([](JobDesc& j) { j.policy.ready_fd = 3; });
  v([](JobDesc& j) { j.policy.ready_fd = 3; j.policy.ready_timeout_ms = 60000; });
  v([](JobDesc& j) { j.wait = true; j.wait_ready = true; j.policy.ready_fd = 3; });
  for (const auto& changed : variants) {
    const Summary s = summarize(make_transaction(1, {job("a")}, {changed}, GlobalConfig{}, 0));
    CHECK_EQUAL(1u, s.changed);
    CHECK_EQUAL(0u, s.kept);
  }
}

// The same through the parser: each lifecycle option, added to or changed
// in an otherwise identical job, alone, restarts the job (TxnChange), and
// the unchanged config keeps it.
TEST(ConfigDiff, EachLifecycleOptionWrittenOrChangedAloneRestartsTheJob) {
  const std::string head = "job {\n name a\n cmd /bin/sleep 1\n ready fd 3\n";
  const auto jobs_of = [](const std::string& text) {
    const ParsedConfig c = parse_config(text);
    CHECK_EQUAL_TEXT(0u, c.errors(), text.c_str());
    return c.jobs;
  };
  const std::string base_options =
      " restart on-failure\n backoff 1s to 5m\n stable after 30s\n give up after 5 in 2m\n"
      " stop signal INT\n stop timeout 30s\n ready timeout 1m\n wait ready\n";
  const std::vector<JobDesc> base = jobs_of(head + base_options + "}\n");
  CHECK_EQUAL(1u, summarize(make_transaction(1, base, jobs_of(head + base_options + "}\n"), GlobalConfig{}, 0)).kept);
  const char* edits[][2] = {
      {" restart on-failure\n", " restart never\n"},
      {" backoff 1s to 5m\n", " backoff 2s to 5m\n"},
      {" backoff 1s to 5m\n", " backoff 1s to 6m\n"},
      {" stable after 30s\n", " stable after 31s\n"},
      {" give up after 5 in 2m\n", " give up after 6 in 2m\n"},
      {" give up after 5 in 2m\n", " give up after 5 in 3m\n"},
      {" stop signal INT\n", " stop signal HUP\n"},
      {" stop timeout 30s\n", " stop timeout 0s\n"},
      {" ready timeout 1m\n", " ready timeout 2m\n"},
      {" wait ready\n", " wait\n"},
      {" wait ready\n", ""},
      {" restart on-failure\n", ""},
  };
  for (const auto& e : edits) {
    std::string text = head + base_options + "}\n";
    text.replace(text.find(e[0]), std::string(e[0]).size(), e[1]);
    const Summary s = summarize(make_transaction(1, base, jobs_of(text), GlobalConfig{}, 0));
    CHECK_EQUAL_TEXT(1u, s.changed, e[1]);
    CHECK_EQUAL_TEXT(0u, s.kept, e[1]);
  }
  // And the fd itself.
  std::string other_fd = head + base_options + "}\n";
  other_fd.replace(other_fd.find(" ready fd 3"), 11, " ready fd 4");
  CHECK_EQUAL(1u, summarize(make_transaction(1, base, jobs_of(other_fd), GlobalConfig{}, 0)).changed);
}

TEST(ConfigDiff, ThousandsOfUnchangedJobsTravelInFewRecords) {
  std::vector<JobDesc> jobs;
  for (int i = 0; i < 5000; ++i) jobs.push_back(job("j" + std::to_string(i)));
  const Summary s = summarize(make_transaction(1, jobs, jobs, GlobalConfig{}, 0));
  CHECK_EQUAL(5000u, s.kept);
  CHECK(s.records <= 3 + (5000 + kKeptPerMessage - 1) / kKeptPerMessage);
  // Every record fits the channel.
  for (const auto& m : make_transaction(1, std::vector<JobDesc>{}, jobs, GlobalConfig{}, 0))
    CHECK(encode_message(m).size() <= 65536);
}

TEST(ConfigDiff, EmptyToEmpty) {
  const Summary s = summarize(make_transaction(3, std::vector<JobDesc>{}, {}, GlobalConfig{}, 2));
  CHECK(s.begins && s.ends && s.globals);
  CHECK_EQUAL(3u, s.records);
}

namespace {

JobKeyTable table_of(const std::vector<JobDesc>& jobs) {
  JobKeyTable t;
  DefinitionDigester digest;
  for (const auto& j : jobs) t.add(j.name, digest(j));
  return t;
}

}  // namespace

TEST(ConfigDiff, NextTableIsTheNewConfigInFileOrder) {
  const JobKeyTable current = table_of({job("keep"), job("change"), job("gone")});
  const std::vector<JobDesc> next{job("new"), job("change", "2"), job("keep")};
  JobKeyTable next_table;
  next_table.add("stale", DefinitionDigest{});   // replaced, not appended to
  const Summary s = summarize(make_transaction(4, current, next, GlobalConfig{}, 0, &next_table));
  CHECK_EQUAL(1u, s.kept);
  CHECK_EQUAL(1u, s.added);
  CHECK_EQUAL(1u, s.changed);
  CHECK_EQUAL(1u, s.removed);
  CHECK_EQUAL(3u, next_table.size());
  DefinitionDigester digest;
  for (size_t i = 0; i < next.size(); ++i) {
    CHECK(next_table.name(i) == next[i].name);
    CHECK(next_table.digest(i) == digest(next[i]));
  }
  // Sized exactly: names and entries, no slack.
  CHECK_EQUAL(20u * 3, next_table.heap_bytes());   // "newchangekeep" fits inline
}

TEST(ConfigDiff, TheNextTableDiffsTheFollowingReload) {
  // Two reloads in a row, as the parser runs them: the table each leaves
  // is the one the next diffs against.
  JobKeyTable table;
  std::vector<JobDesc> first;
  for (int i = 0; i < 1000; ++i) first.push_back(job("job" + std::to_string(i)));
  JobKeyTable after_first;
  Summary s = summarize(make_transaction(1, table, first, GlobalConfig{}, 0, &after_first));
  CHECK_EQUAL(1000u, s.added);
  table = std::move(after_first);

  std::vector<JobDesc> second = first;
  second[500].argv[1] = "2";
  second.erase(second.begin() + 10);
  second.push_back(job("job1000"));
  JobKeyTable after_second;
  s = summarize(make_transaction(2, table, second, GlobalConfig{}, 0, &after_second));
  CHECK_EQUAL(998u, s.kept);
  CHECK_EQUAL(1u, s.changed);
  CHECK_EQUAL(1u, s.added);
  CHECK_EQUAL(1u, s.removed);
  STRCMP_EQUAL("job10", s.removed_names[0].c_str());
  CHECK_EQUAL(1000u, after_second.size());
}

TEST(ConfigDiff, RemovalsFollowTheOldTablesOrder) {
  const JobKeyTable current = table_of({job("c"), job("a"), job("keep"), job("b")});
  const Summary s = summarize(make_transaction(1, current, {job("keep")}, GlobalConfig{}, 0));
  CHECK_EQUAL(3u, s.removed);
  STRCMP_EQUAL("c", s.removed_names[0].c_str());
  STRCMP_EQUAL("a", s.removed_names[1].c_str());
  STRCMP_EQUAL("b", s.removed_names[2].c_str());
}

TEST(ConfigDiff, ARepeatedNameInTheNewConfigIsNew) {
  // The parser refuses such a config; the differ still never accounts for
  // one current job twice.
  const JobKeyTable current = table_of({job("a")});
  const Summary s = summarize(make_transaction(1, current, {job("a"), job("a")}, GlobalConfig{}, 0));
  CHECK_EQUAL(1u, s.kept);
  CHECK_EQUAL(1u, s.added);
  CHECK_EQUAL(0u, s.removed);
}

TEST(ConfigDiff, WithoutANextTableACheckAgainstNothingAddsEverything) {
  // `pmtr -t`: an empty table and no table to keep.
  std::vector<JobDesc> jobs;
  for (int i = 0; i < 100; ++i) jobs.push_back(job("j" + std::to_string(i)));
  const Summary s = summarize(make_transaction(1, JobKeyTable{}, jobs, GlobalConfig{}, 0));
  CHECK_EQUAL(100u, s.added);
  CHECK_EQUAL(0u, s.kept + s.changed + s.removed);
}

// ---- streaming ----------------------------------------------------------------------

namespace {

EncodedJobs encoded(const std::vector<JobDesc>& jobs) {
  EncodedJobs e;
  for (const auto& j : jobs) e.add(j);
  return e;
}

}  // namespace

// The records are built from the jobs' encodings, not by encode_message():
// they must be the bytes the codec would produce for the same messages,
// batched as the codec's own packer batches them.
TEST(ConfigDiff, StreamedRecordsAreTheCodecsBytesForTheSameMessages) {
  std::vector<JobDesc> before{job("keep"), job("change"), job("gone")};
  std::vector<JobDesc> after{job("keep"), job("change", "2"), job("new")};
  for (int i = 0; i < 3000; ++i) {
    JobDesc j = job("n" + std::to_string(i), std::string(static_cast<size_t>(i % 97), 'a'));
    j.pos = {static_cast<uint32_t>(10 + i), 1};
    j.cmd_pos = {static_cast<uint32_t>(12 + i), 7};
    after.push_back(j);
  }
  const JobKeyTable table = table_of(before);
  std::vector<std::vector<std::byte>> streamed;
  CHECK_TRUE(stream_transaction(9, table, encoded(after), GlobalConfig{}, 4, nullptr,
                                [&](std::span<const std::byte> rec) {
                                  streamed.emplace_back(rec.begin(), rec.end());
                                  return true;
                                }));
  std::vector<std::vector<std::byte>> expected;
  expected.push_back(encode_message(MsgTxnBegin{9, static_cast<uint32_t>(after.size())}));
  expected.push_back(encode_message(MsgTxnGlobals{}));
  expected.push_back(encode_message(MsgTxnKeep{{KeptJob{0, "keep"}}}));
  std::vector<IndexedJob> added;
  for (uint32_t i = 2; i < after.size(); ++i) added.push_back(IndexedJob{i, after[i]});
  for (auto& batch : pack_indexed(added)) expected.push_back(encode_message(MsgTxnAdd{std::move(batch)}));
  expected.push_back(encode_message(MsgTxnChange{{IndexedJob{1, after[1]}}}));
  expected.push_back(encode_message(MsgTxnRemove{"gone"}));
  expected.push_back(encode_message(MsgTxnEnd{4}));
  CHECK_TRUE(expected.size() > 8);   // several TxnAdd records
  CHECK_EQUAL(expected.size(), streamed.size());
  for (size_t i = 0; i < expected.size() && i < streamed.size(); ++i) CHECK_TRUE(expected[i] == streamed[i]);
}

TEST(ConfigDiff, StreamingStopsAtTheFirstRefusedRecord) {
  std::vector<JobDesc> next;
  for (int i = 0; i < 3000; ++i) next.push_back(job("n" + std::to_string(i)));
  size_t handed = 0;
  CHECK_FALSE(stream_transaction(1, JobKeyTable{}, encoded(next), GlobalConfig{}, 0, nullptr,
                                 [&](std::span<const std::byte> rec) {
                                   ++handed;   // the channel fails at the first batch
                                   return rec[1] != static_cast<std::byte>(MsgType::TxnAdd);
                                 }));
  CHECK_EQUAL(3u, handed);   // begin, globals, the refused batch; nothing after it
}

TEST(ConfigDiff, BatchesOfLargeJobsStayWithinTheRecordCap) {
  // Jobs near the 60,000-byte cap: at most one with a small one per
  // record, each record within the channel's limit, indexes ascending.
  std::vector<JobDesc> next;
  for (int i = 0; i < 5; ++i) {
    JobDesc j = job("big" + std::to_string(i));
    for (int k = 0; k < 14; ++k) j.argv.push_back(std::string(4000, 'x'));
    CHECK_TRUE(encoded_job_size(j) > 50000 && encoded_job_size(j) <= limits::kJobEncodedBytes);
    next.push_back(j);
    next.push_back(job("small" + std::to_string(i)));
  }
  size_t jobs = 0;
  CHECK_TRUE(stream_transaction(1, JobKeyTable{}, encoded(next), GlobalConfig{}, 0, nullptr,
                                [&](std::span<const std::byte> rec) {
                                  CHECK_TRUE(rec.size() <= limits::kMessageBytes);
                                  auto m = decode_message(rec);
                                  CHECK_TRUE(m.ok());
                                  if (auto* a = std::get_if<MsgTxnAdd>(&m.value())) {
                                    jobs += a->jobs.size();
                                    CHECK_TRUE(a->jobs.size() <= 2);
                                    for (size_t k = 1; k < a->jobs.size(); ++k)
                                      CHECK_TRUE(a->jobs[k - 1].index < a->jobs[k].index);
                                  }
                                  return true;
                                }));
  CHECK_EQUAL(10u, jobs);
}

TEST(ConfigDiff, AChangedJobTravelsWithItsPositions) {
  JobDesc a = job("a", "2");
  a.pos = {40, 3};
  a.cmd_pos = {42, 7};
  a.dir_pos = {43, 7};
  a.user_pos = {44, 8};
  const auto msgs = make_transaction(1, {job("a")}, {a}, GlobalConfig{}, 0);
  bool seen = false;
  for (const auto& m : msgs)
    if (auto* c = std::get_if<MsgTxnChange>(&m)) {
      seen = true;
      CHECK_TRUE(c->jobs[0].job.pos == a.pos && c->jobs[0].job.cmd_pos == a.cmd_pos &&
                 c->jobs[0].job.dir_pos == a.dir_pos && c->jobs[0].job.user_pos == a.user_pos);
    }
  CHECK_TRUE(seen);
}
