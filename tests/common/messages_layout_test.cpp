// The monitor <-> parser message codec, what it must carry: every type and
// every job field survive a round trip, and the bytes follow the documented
// layout (written out by hand in messages_support.cpp), because the monitor
// and the parser are separate programs that agree only through the wire.
// The job definition key, the monitor's stored form of a job, is here too.
// What the decoder must reject is in messages_test.cpp.
#include "common/messages.hpp"

#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "common/wire.hpp"
#include "tests/common/messages_support.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

namespace {

void layout_addr(WireWriter& w, const UdpAddress& a) {
  w.str(a.host);
  w.u16(a.port);
  w.str(a.iface);
}

struct Layout {
  WireWriter& w;
  void operator()(const MsgHello& m) { w.u8(static_cast<uint8_t>(m.mode)); w.str(m.config_name); }
  void operator()(const MsgTableBegin& m) { w.u32(m.job_count); }
  void operator()(const MsgTableJob& m) {
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const JobDesc& j : m.jobs) layout_job(w, j);
  }
  void operator()(const MsgTableEnd&) {}
  void operator()(const MsgParse& m) { w.u32(m.generation); }
  void operator()(const MsgDiag& m) {
    w.u8(static_cast<uint8_t>(m.severity));
    w.u32(m.line);
    w.u32(m.col);
    w.str(m.text);
  }
  void operator()(const MsgTxnBegin& m) { w.u32(m.generation); w.u32(m.job_count); }
  void operator()(const MsgTxnKeep& m) {
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const KeptJob& k : m.jobs) {
      w.u32(k.index);
      w.str(k.name);
    }
  }
  void indexed(const std::vector<IndexedJob>& jobs) {
    w.u32(static_cast<uint32_t>(jobs.size()));
    for (const IndexedJob& ij : jobs) {
      w.u32(ij.index);
      layout_job(w, ij.job);
    }
  }
  void operator()(const MsgTxnAdd& m) { indexed(m.jobs); }
  void operator()(const MsgTxnChange& m) { indexed(m.jobs); }
  void operator()(const MsgTxnRemove& m) { w.str(m.name); }
  void principals(const Principals& p) {
    w.u8(p.everyone ? 1 : 0);
    layout_strings(w, p.names, std::nullopt);
  }
  void operator()(const MsgTxnGlobals& m) {
    w.u32(static_cast<uint32_t>(m.globals.report_to.size()));
    for (const UdpAddress& a : m.globals.report_to) layout_addr(w, a);
    w.u8(m.globals.listen_on ? 1 : 0);
    if (m.globals.listen_on) layout_addr(w, *m.globals.listen_on);
    w.str(m.globals.listen_key);
    const ControlConfig& c = m.globals.control;
    w.u8(c.enabled ? 1 : 0);
    w.str(c.socket);
    principals(c.status);
    principals(c.operate);
    const LogConfig& l = m.globals.log;
    w.u8(static_cast<uint8_t>(l.target));
    w.str(l.dir);
    w.u64(l.rotate_bytes);
    w.u32(l.keep);
    w.u8(l.all ? 1 : 0);
  }
  void operator()(const MsgTxnEnd& m) { w.u32(m.warnings); }
  void operator()(const MsgParseFailed& m) { w.u32(m.generation); w.u32(m.errors); w.u32(m.warnings); }
};

// The numbers of the wire, spelled out: a renumbered enum breaks the protocol.
uint8_t documented_type(const Message& m) {
  static constexpr uint8_t kNumbers[] = {1, 2, 3, 4, 5, 20, 21, 22, 23, 24, 25, 26, 27, 28};
  return kNumbers[m.index()];
}

std::vector<std::byte> layout(const Message& m) {
  WireWriter w;
  w.u8(3);   // the protocol version, spelled out too: bumping it is a decision
  w.u8(documented_type(m));
  std::visit(Layout{w}, m);
  return w.take();
}


}  // namespace

TEST_GROUP(MessageLayout){};

// ---- layout and round trips ------------------------------------------------

TEST(MessageLayout, SamplesCoverEveryMessageType) {
  std::set<size_t> seen;
  for (const Message& m : sample_messages()) seen.insert(m.index());
  CHECK_EQUAL(std::variant_size_v<Message>, seen.size());
}

TEST(MessageLayout, EncodingFollowsTheDocumentedLayout) {
  for (const Message& m : sample_messages()) {
    const auto got = encode_message(m);
    const auto want = layout(m);
    CHECK_EQUAL(want.size(), got.size());
    MEMCMP_EQUAL(want.data(), got.data(), want.size());
  }
}

TEST(MessageLayout, EveryMessageRoundTrips) {
  for (const Message& m : sample_messages()) {
    Result<Message> r = decode_message(encode_message(m));
    CHECK_TEXT(r.ok(), message_type_name(message_type(m)));
    CHECK_TEXT(eq(m, r.value()), message_type_name(message_type(m)));
  }
}

// Each field, changed alone from a minimal job, comes back changed, in all
// three messages that carry a job.
TEST(MessageLayout, EveryJobFieldRoundTrips) {
  const JobDesc base = minimal_job();
  for (const NamedMutator& nm : job_mutators()) {
    JobDesc j = base;
    nm.mutate(j);
    CHECK_FALSE_TEXT(eq(j, base), nm.field);   // the mutator does change something
    for (const Message& m : {Message{MsgTableJob{{j}}}, Message{MsgTxnAdd{{IndexedJob{1, j}}}},
                             Message{MsgTxnChange{{IndexedJob{2, j}}}}}) {
      Result<Message> r = decode_message(encode_message(m));
      CHECK_TEXT(r.ok(), nm.field);
      CHECK_TEXT(eq(job_of(r.value()), j), nm.field);
    }
  }
}

TEST(MessageLayout, FullJobRoundTripsEveryField) {
  Result<Message> r = decode_message(encode_message(MsgTableJob{{full_job()}}));
  CHECK_TRUE(r.ok());
  const JobDesc& j = job_of(r.value());
  STRCMP_EQUAL("web-1", j.name.c_str());
  CHECK_EQUAL(4u, j.argv.size());
  STRCMP_EQUAL("", j.argv[3].c_str());
  CHECK_EQUAL(-17, j.nice);
  CHECK_EQUAL(3u, j.ulimits.size());
  CHECK(j.ulimits[0].value == 0x0102030405060708ull);
  CHECK(j.ulimits[2].value == RLIM_INFINITY);
  CHECK_EQUAL(-0x01020304, j.order);
  CHECK_EQUAL(0x71727374u, j.user_pos.line);
  CHECK_EQUAL(0x01810000u, j.user_pos.col);
  CHECK_TRUE(eq(j, full_job()));
}

TEST(MessageLayout, GlobalsWithAndWithoutAddresses) {
  int with_report = 0, several = 0, with_listen = 0, with_key = 0, empty = 0;
  for (const Message& m : sample_messages()) {
    const auto* g = std::get_if<MsgTxnGlobals>(&m);
    if (g == nullptr) continue;
    Result<Message> r = decode_message(encode_message(m));
    CHECK_TRUE(r.ok());
    const GlobalConfig& got = std::get<MsgTxnGlobals>(r.value()).globals;
    CHECK_EQUAL(g->globals.report_to.size(), got.report_to.size());
    CHECK_EQUAL(g->globals.listen_on.has_value(), got.listen_on.has_value());
    CHECK_TRUE(got == g->globals);
    with_report += !got.report_to.empty();
    several += got.report_to.size() > 1;
    with_listen += got.listen_on.has_value();
    with_key += !got.listen_key.empty();
    empty += got.report_to.empty() && !got.listen_on;
  }
  CHECK(with_report > 0 && several > 0 && with_listen > 0 && with_key > 0 && empty > 0);
}

TEST(MessageLayout, EveryFlagCombinationRoundTrips) {
  for (uint8_t f = 0; f < 16; ++f) {
    JobOverrides o;
    o.flags = f;
    const auto rec = job_record(minimal_job(), o);
    Result<Message> r = decode_message(rec);
    CHECK_TRUE(r.ok());
    const JobDesc& j = job_of(r.value());
    CHECK_EQUAL((f & 1) != 0, j.wait);
    CHECK_EQUAL((f & 2) != 0, j.once);
    CHECK_EQUAL((f & 4) != 0, j.disabled);
    CHECK_EQUAL((f & 8) != 0, j.wait_ready);
    CHECK_TRUE(decodes_canonically(rec));
  }
}

TEST(MessageLayout, MessageTypeMatchesTheTypeByteAndNamesAreDistinct) {
  std::set<std::string> names;
  for (const Message& m : sample_messages()) {
    const MsgType t = message_type(m);
    CHECK_EQUAL(documented_type(m), static_cast<uint8_t>(t));
    CHECK_EQUAL(static_cast<uint8_t>(t), static_cast<uint8_t>(encode_message(m)[1]));
    CHECK(std::string(message_type_name(t)) != "unknown");
    names.insert(message_type_name(t));
  }
  CHECK_EQUAL(std::variant_size_v<Message>, names.size());
  STRCMP_EQUAL("unknown", message_type_name(static_cast<MsgType>(99)));
}

TEST(MessageLayout, EncodedJobSizeIsTheJobsShareOfTheRecord) {
  for (const JobDesc& j : {minimal_job(), full_job()}) {
    // version, type, count; and an index per job in a transaction.
    CHECK_EQUAL(encode_message(MsgTableJob{{j}}).size() - 6, encoded_job_size(j));
    CHECK_EQUAL(encode_message(MsgTxnAdd{{IndexedJob{0, j}}}).size() - 10, encoded_job_size(j));
  }
}


TEST_GROUP(JobDefinitionKey){};

// The monitor keeps each job in this form and decodes it at every start.
TEST(JobDefinitionKey, DecodesBackToTheSameDefinitionWithoutPositions) {
  for (const JobDesc& j : {full_job(), minimal_job()}) {
    auto back = decode_job_definition(job_definition_key(j));
    CHECK(back.ok());
    CHECK(same_definition(j, *back));
    CHECK_EQUAL(0u, back->pos.line);
    CHECK_EQUAL(0u, back->cmd_pos.line);
  }
}

TEST(JobDefinitionKey, TruncatedOrTrailingBytesAreRefused) {
  const std::string key = job_definition_key(full_job());
  for (size_t n = 0; n < key.size(); ++n) CHECK_FALSE(decode_job_definition(std::string_view(key).substr(0, n)).ok());
  CHECK_FALSE(decode_job_definition(key + '\0').ok());
}
