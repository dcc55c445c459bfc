// control/status_json.{hpp,cpp}: `status --json` is one valid JSON array
// (parsed back with a strict reader), with the documented field names and
// meanings, and any job name survives the round trip.
#include "control/status_json.hpp"

#include <string>

#include "tests/control/json_check.hpp"
#include "tests/control/sample_status.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::ctl;
using pmtr::test::Json;
using pmtr::test::parse_json;
using pmtr::test::sample_report;

namespace {

std::string json(const StatusReport& r) {
  OutBuffer b;
  format_status_json(r, b);
  return b.text();
}

Json parsed(const std::string& text) {
  std::string error;
  const auto doc = parse_json(text, &error);
  CHECK_TRUE_TEXT(doc.has_value(), (error + "\n" + text).c_str());
  return doc ? *doc : Json{};
}

std::string field(const Json& obj, const char* key) {
  const Json* v = obj.get(key);
  CHECK_TRUE_TEXT(v != nullptr, key);
  if (v == nullptr) return "<missing>";
  switch (v->kind) {
    case Json::Kind::Null: return "null";
    case Json::Kind::Bool: return v->boolean ? "true" : "false";
    case Json::Kind::Number: return v->text;
    case Json::Kind::String: return "'" + v->text + "'";
    case Json::Kind::Array: return "[...]";
    case Json::Kind::Object: {
      std::string s = "{";
      for (const auto& [k, x] : v->fields) {
        const std::string text = x.kind == Json::Kind::String ? "'" + x.text + "'" : x.is_null() ? "null" : x.text;
        s += k + "=" + text + ";";
      }
      return s + "}";
    }
  }
  return "?";
}

}  // namespace

TEST_GROUP(StatusJson){};

TEST(StatusJson, ExactTextOfTheSample) {
  const std::string expected =
      "[\n"
      "{\"name\":\"web\",\"state\":\"running\",\"pid\":1234,\"uptime_s\":273900,\"restarts\":0,\"last_exit\":null,"
      "\"next_start_s\":null,\"backoff_ms\":0},\n"
      "{\"name\":\"worker\",\"state\":\"delayed\",\"pid\":null,\"uptime_s\":null,\"restarts\":7,"
      "\"last_exit\":{\"code\":1,\"at\":1699999998},\"next_start_s\":8,\"backoff_ms\":10000},\n"
      "{\"name\":\"cron\",\"state\":\"ready\",\"pid\":88123,\"uptime_s\":312,\"restarts\":2,"
      "\"last_exit\":{\"signal\":\"TERM\",\"at\":1699999818},\"next_start_s\":null,\"backoff_ms\":0},\n"
      "{\"name\":\"odd\\\"na\\\\me\",\"state\":\"stopped\",\"pid\":null,\"uptime_s\":null,\"restarts\":0,"
      "\"last_exit\":{\"code\":0,\"at\":1699996400},\"next_start_s\":null,\"backoff_ms\":1500}\n"
      "]\n";
  STRCMP_EQUAL(expected.c_str(), json(sample_report()).c_str());
}

TEST(StatusJson, ParsesBackWithTheDocumentedFields) {
  const Json doc = parsed(json(sample_report()));
  CHECK(doc.kind == Json::Kind::Array);
  CHECK_EQUAL(4u, doc.items.size());
  for (const Json& o : doc.items) {
    CHECK(o.kind == Json::Kind::Object);
    const char* keys[] = {"name", "state", "pid", "uptime_s", "restarts", "last_exit", "next_start_s", "backoff_ms"};
    CHECK_EQUAL(sizeof keys / sizeof keys[0], o.fields.size());
    for (size_t i = 0; i < o.fields.size(); ++i) STRCMP_EQUAL(keys[i], o.fields[i].first.c_str());
  }
  STRCMP_EQUAL("'odd\"na\\me'", field(doc.items[3], "name").c_str());
  STRCMP_EQUAL("{code=1;at=1699999998;}", field(doc.items[1], "last_exit").c_str());
  STRCMP_EQUAL("{signal='TERM';at=1699999818;}", field(doc.items[2], "last_exit").c_str());
  STRCMP_EQUAL("null", field(doc.items[0], "last_exit").c_str());
}

TEST(StatusJson, EmptyIsAnEmptyArray) {
  STRCMP_EQUAL("[]\n", json(StatusReport{}).c_str());
  CHECK(parsed("[]\n").items.empty());
}

TEST(StatusJson, EveryPrintableNameRoundTrips) {
  StatusReport r;
  std::string all;
  for (char c = 0x21; c < 0x7f; ++c) all += c;
  JobStatus j;
  j.name = all;
  r.jobs.push_back(j);
  j.name = "\"";
  r.jobs.push_back(j);
  j.name = "\\";
  r.jobs.push_back(j);
  j.name = "\\\"\\u0041/";
  r.jobs.push_back(j);
  const Json doc = parsed(json(r));
  CHECK_EQUAL(r.jobs.size(), doc.items.size());
  for (size_t i = 0; i < r.jobs.size(); ++i) STRCMP_EQUAL(r.jobs[i].name.c_str(), doc.items[i].get("name")->text.c_str());
}

TEST(StatusJson, ControlBytesAreEscapedNotPassedThrough) {
  std::string s;
  append_json_string(s, std::string("a\nb\x01\x7f", 5));
  STRCMP_EQUAL("\"a\\u000ab\\u0001\\u007f\"", s.c_str());
}

TEST(StatusJson, UnknownTimesAreNull) {
  StatusReport r;
  r.now_ms = pmtr::test::kNowMs;
  JobStatus j;
  j.name = "x";
  j.state = PublicState::Stopping;
  j.pid = 77;                        // has a process, start time unknown
  j.last_exit_kind = kExitSignal;
  j.last_exit_value = 9;             // exit time unknown
  r.jobs.push_back(j);
  const Json doc = parsed(json(r));
  STRCMP_EQUAL("77", field(doc.items[0], "pid").c_str());
  STRCMP_EQUAL("null", field(doc.items[0], "uptime_s").c_str());
  STRCMP_EQUAL("{signal='KILL';at=null;}", field(doc.items[0], "last_exit").c_str());
}

TEST(StatusJson, TheCheckerItselfRejectsBrokenDocuments) {
  for (const char* bad : {"[", "[1,]", "{\"a\":1,}", "[\"a\"b\"]", "[\"\\q\"]", "[01]", "{\"a\":1,\"a\":2}",
                          "[\"a\n\"]", "[] []", "[nul]"}) {
    std::string error;
    CHECK_FALSE_TEXT(parse_json(bad, &error).has_value(), bad);
  }
}

// The cgroup object: present only for a job with a cgroup; a figure whose
// controller the cgroup lacks is null.
TEST(StatusJson, CgroupFiguresAreAnObjectWithNullsForMissingControllers) {
  StatusReport r;
  r.now_ms = pmtr::test::kNowMs;
  JobStatus with, without;
  with.name = "with";
  with.state = PublicState::Running;
  with.has_cgroup = true;
  with.cpu_usec = 123;
  with.tasks = 2;
  without.name = "without";
  without.state = PublicState::Stopped;
  r.jobs = {with, without};
  const Json doc = parsed(json(r));
  CHECK_EQUAL(2u, doc.items.size());
  if (doc.items.size() != 2) return;
  STRCMP_EQUAL("{memory_bytes=null;tasks=2;cpu_usec=123;}", field(doc.items[0], "cgroup").c_str());
  CHECK(doc.items[1].get("cgroup") == nullptr);
}
