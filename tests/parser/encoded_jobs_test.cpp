// parser/encoded_jobs.{hpp,cpp}: jobs kept in their wire encoding, and
// parse_config_encoded(), which must mean exactly what parse_config() does.
#include "parser/encoded_jobs.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"
#include "parser/job_key_table.hpp"
#include "tests/parser/config_test_util.hpp"

// CppUTest last: its leak-detection macros redefine `new`.
#include <CppUTest/TestHarness.h>

using namespace pmtr;

namespace {

JobDesc rich_job(const std::string& name) {
  JobDesc j;
  j.name = name;
  j.argv = {"/usr/bin/demux", "-v", "two words", std::string(300, 'x')};
  j.dir = "/data";
  j.out = "o";
  j.user = "demo";
  j.env = {"A=1", "B=" + std::string(40, 'b')};
  j.has_nice = true;
  j.nice = -3;
  j.cpus = {0, 2, 3};
  j.ulimits = {Ulimit{7, 64}};
  j.depends = {"/etc/x"};
  j.wait = j.wait_ready = true;
  j.policy.ready_fd = 3;
  j.policy.stop_signal = 2;
  j.pos = {10, 1};
  j.cmd_pos = {12, 7};
  j.dir_pos = {13, 7};
  j.user_pos = {14, 8};
  return j;
}

bool same_with_positions(const JobDesc& a, const JobDesc& b) {
  return same_definition(a, b) && a.pos == b.pos && a.cmd_pos == b.cmd_pos && a.dir_pos == b.dir_pos &&
         a.user_pos == b.user_pos;
}

// Every sample config and a few generated ones, valid and not.
std::vector<std::string> texts() {
  std::vector<std::string> t = {
      "",
      test::job_with(" restart on-failure\n backoff 1s to 5m\n ready fd 3\n wait ready\n"),
      "job {\n name a\n cmd /bin/true\n}\njob {\n name a\n cmd x\n nmae b\n}\n",   // errors and a duplicate
      "job {\n name a\n cmd /bin/true\n ulimit {\n  -n 5\n}\n",                     // unterminated
      "jbo {\n name a\n cmd /x\n}\nreport to udp://127.0.0.1:9\n",
  };
  std::string many;
  for (int i = 0; i < 2000; ++i)
    many += "job {\n name j" + std::to_string(i) + "\n cmd /bin/sleep " + std::to_string(i) + "\n env N=" +
            std::to_string(i) + "\n}\n";
  t.push_back(many);
  return t;
}

}  // namespace

TEST_GROUP(EncodedJobs){};

TEST(EncodedJobs, EachJobIsItsWireEncoding) {
  EncodedJobs e;
  const JobDesc a = rich_job("a"), b = rich_job("second");
  e.add(a);
  e.add(b);
  LONGS_EQUAL(2, e.size());
  // What a TxnAdd record carries after each job's index.
  const auto record = encode_message(MsgTxnAdd{{IndexedJob{0, a}}});
  const size_t header = 2 + 4 + 4;   // version, type, count, index
  CHECK_EQUAL(record.size() - header, e.job(0).size());
  CHECK_TRUE(std::equal(e.job(0).begin(), e.job(0).end(), record.begin() + header));
  CHECK_EQUAL(encoded_job_size(b), e.job(1).size());
  STRCMP_EQUAL("a", std::string(e.name(0)).c_str());
  STRCMP_EQUAL("second", std::string(e.name(1)).c_str());
}

TEST(EncodedJobs, DecodesBackWithPositions) {
  EncodedJobs e;
  e.add(rich_job("a"));
  e.add(JobDesc{});   // an empty (invalid) job is stored as it is
  const auto back = e.decode(0);
  CHECK_TRUE(back.ok());
  CHECK_TRUE(same_with_positions(rich_job("a"), back.value()));
  STRCMP_EQUAL("", std::string(e.name(1)).c_str());
}

TEST(EncodedJobs, DefinitionKeyIsTheJobsKeyWithoutPositions) {
  EncodedJobs e;
  e.add(rich_job("a"));
  std::string key;
  e.definition_key(0, key);
  CHECK_TRUE(key == job_definition_key(rich_job("a")));
  DefinitionDigester digest;
  CHECK_TRUE(digest_definition_key(key) == digest(rich_job("a")));
  JobDesc moved = rich_job("a");
  moved.pos = {99, 9};
  EncodedJobs m;
  m.add(moved);
  std::string moved_key;
  m.definition_key(0, moved_key);
  CHECK_TRUE(moved_key == key);   // moving a block changes nothing
}

TEST(EncodedJobs, GrowsPastWhatWasReserved) {
  EncodedJobs e;
  e.reserve(2, 100);
  for (int i = 0; i < 500; ++i) e.add(rich_job("j" + std::to_string(i)));
  LONGS_EQUAL(500, e.size());
  for (size_t i = 0; i < e.size(); i += 97) {
    STRCMP_EQUAL(("j" + std::to_string(i)).c_str(), std::string(e.name(i)).c_str());
    CHECK_TRUE(same_with_positions(rich_job("j" + std::to_string(i)), e.decode(i).value()));
  }
}

TEST(EncodedJobs, EncodedParseMeansWhatTheDescriptorParseMeans) {
  for (const std::string& text : texts()) {
    const ParsedConfig want = parse_config(text);
    const EncodedConfig got = parse_config_encoded(text);
    STRCMP_EQUAL(test::diag_lines(want).c_str(), [&] {
      ParsedConfig d;
      d.diagnostics = got.diagnostics;
      return test::diag_lines(d);
    }().c_str());
    CHECK_TRUE(want.globals == got.globals);
    LONGS_EQUAL(want.jobs.size(), got.jobs.size());
    // Byte for byte: invalid jobs of a failed parse (which never travel)
    // need not decode.
    for (size_t i = 0; i < want.jobs.size() && i < got.jobs.size(); ++i) {
      EncodedJobs one;
      one.add(want.jobs[i]);
      const auto a = one.job(0), b = got.jobs.job(i);
      CHECK_TRUE(a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()));
    }
  }
}

TEST(EncodedJobs, EncodedParseKeepsNoJobPastTheCap) {
  std::string text;
  text.reserve((limits::kJobs + 2) * 32);
  for (size_t i = 0; i < limits::kJobs; ++i) text += "job {\nname j" + std::to_string(i) + "\ncmd /x\n}\n";
  text += "job {\nname j0\ncmd x\n}\n";
  const EncodedConfig c = parse_config_encoded(text);
  LONGS_EQUAL(limits::kJobs, c.jobs.size());
  LONGS_EQUAL(2, c.errors());   // too many jobs; and the one past the cap is still checked
  STRCMP_EQUAL("j199999", std::string(c.jobs.name(limits::kJobs - 1)).c_str());
}
