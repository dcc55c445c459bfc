// The monitor <-> parser message codec: layout, round trips of every type
// and every job field, and clean rejection of everything else.
#include "common/messages.hpp"


#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/wire.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using pmtr::test::eq;
using pmtr::test::decode_reason;
using pmtr::test::full_job;
using pmtr::test::job_mutators;
using pmtr::test::job_with_record_size;
using pmtr::test::NamedMutator;
using pmtr::test::minimal_job;
using pmtr::test::sample_messages;

namespace {

// ---- the layout, written out by hand from messages.hpp -------------------
// Independent of put_job, so a change of field order or width in the codec
// shows up as a layout mismatch; the overrides write lying counts and
// out-of-range bytes the real encoder never would.
struct JobOverrides {
  std::optional<uint32_t> argc, envc, ncpu, nlim, ndep;
  std::optional<uint8_t> has_nice, flags, restart;
};

void layout_strings(WireWriter& w, const std::vector<std::string>& v, std::optional<uint32_t> n) {
  w.u32(n.value_or(static_cast<uint32_t>(v.size())));
  for (const auto& s : v) w.str(s);
}

void layout_job(WireWriter& w, const JobDesc& j, const JobOverrides& o = {}) {
  w.str(j.name);
  layout_strings(w, j.argv, o.argc);
  w.str(j.dir);
  w.str(j.in);
  w.str(j.out);
  w.str(j.err);
  w.str(j.user);
  layout_strings(w, j.env, o.envc);
  w.u8(o.has_nice.value_or(j.has_nice ? 1 : 0));
  w.i32(j.nice);
  w.u32(o.ncpu.value_or(static_cast<uint32_t>(j.cpus.size())));
  for (uint16_t c : j.cpus) w.u16(c);
  w.u32(o.nlim.value_or(static_cast<uint32_t>(j.ulimits.size())));
  for (const Ulimit& u : j.ulimits) {
    w.u8(u.resource);
    w.u64(u.value);
  }
  w.u32(j.bounce_seconds);
  layout_strings(w, j.depends, o.ndep);
  w.i32(j.order);
  w.u8(o.flags.value_or(static_cast<uint8_t>((j.wait ? 1 : 0) | (j.once ? 2 : 0) | (j.disabled ? 4 : 0) |
                                              (j.wait_ready ? 8 : 0))));
  const LifecyclePolicy& pol = j.policy;
  w.u8(o.restart.value_or(static_cast<uint8_t>(pol.restart)));
  w.u32(pol.backoff_min_ms);
  w.u32(pol.backoff_max_ms);
  w.u32(pol.stable_after_ms);
  w.u32(pol.give_up_count);
  w.u32(pol.give_up_window_ms);
  w.u8(pol.stop_signal);
  w.u32(pol.stop_timeout_ms);
  w.u16(pol.ready_fd);
  w.u32(pol.ready_timeout_ms);
  layout_strings(w, j.operators, std::nullopt);
  const Confinement& c = j.confine;
  w.u8(c.has_umask ? 1 : 0);
  w.u16(c.umask);
  w.str(c.group);
  w.u8(c.set_groups ? 1 : 0);
  layout_strings(w, c.groups, std::nullopt);
  w.u8(c.set_caps ? 1 : 0);
  w.u32(static_cast<uint32_t>(c.caps.size()));
  for (uint8_t cap : c.caps) w.u8(cap);
  w.u8(c.nonewprivs ? 1 : 0);
  w.u64(c.memory_max);
  w.u8(c.has_swap_max ? 1 : 0);
  w.u64(c.swap_max);
  w.u32(c.tasks_max);
  w.u32(c.cpu_percent);
  w.u8(j.log ? 1 : 0);
  for (const SourcePos* p : {&j.pos, &j.cmd_pos, &j.dir_pos, &j.user_pos}) {
    w.u32(p->line);
    w.u32(p->col);
  }
}

void layout_addr(WireWriter& w, const std::optional<UdpAddress>& a) {
  w.u8(a ? 1 : 0);
  if (!a) return;
  w.str(a->host);
  w.u16(a->port);
  w.str(a->iface);
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
    layout_addr(w, m.globals.report_to);
    layout_addr(w, m.globals.listen_on);
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
  w.u8(2);
  w.u8(documented_type(m));
  std::visit(Layout{w}, m);
  return w.take();
}

// A TableJob record of one job, with overrides.
std::vector<std::byte> job_record(const JobDesc& j, const JobOverrides& o) {
  WireWriter w;
  w.u8(kProtocolVersion);
  w.u8(static_cast<uint8_t>(MsgType::TableJob));
  w.u32(1);
  layout_job(w, j, o);
  return w.take();
}

// A decoded record must be the canonical encoding of what it decoded to:
// then nothing the monitor acts on can differ from what was on the wire.
bool decodes_canonically(std::span<const std::byte> rec) {
  Result<Message> r = decode_message(rec);
  if (!r.ok()) return true;
  const auto again = encode_message(r.value());
  return again.size() == rec.size() && std::equal(again.begin(), again.end(), rec.begin());
}

// The one job of a one-job batch.
const JobDesc& job_of(const Message& m) {
  if (const auto* t = std::get_if<MsgTableJob>(&m)) return t->jobs.at(0);
  if (const auto* a = std::get_if<MsgTxnAdd>(&m)) return a->jobs.at(0).job;
  return std::get<MsgTxnChange>(m).jobs.at(0).job;
}

}  // namespace

TEST_GROUP(Messages){};

// ---- layout and round trips ------------------------------------------------

TEST(Messages, SamplesCoverEveryMessageType) {
  std::set<size_t> seen;
  for (const Message& m : sample_messages()) seen.insert(m.index());
  CHECK_EQUAL(std::variant_size_v<Message>, seen.size());
}

TEST(Messages, EncodingFollowsTheDocumentedLayout) {
  for (const Message& m : sample_messages()) {
    const auto got = encode_message(m);
    const auto want = layout(m);
    CHECK_EQUAL(want.size(), got.size());
    MEMCMP_EQUAL(want.data(), got.data(), want.size());
  }
}

TEST(Messages, EveryMessageRoundTrips) {
  for (const Message& m : sample_messages()) {
    Result<Message> r = decode_message(encode_message(m));
    CHECK_TEXT(r.ok(), message_type_name(message_type(m)));
    CHECK_TEXT(eq(m, r.value()), message_type_name(message_type(m)));
  }
}

// Each field, changed alone from a minimal job, comes back changed, in all
// three messages that carry a job.
TEST(Messages, EveryJobFieldRoundTrips) {
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

TEST(Messages, FullJobRoundTripsEveryField) {
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

TEST(Messages, GlobalsWithAndWithoutAddresses) {
  int with_report = 0, with_listen = 0, empty = 0;
  for (const Message& m : sample_messages()) {
    const auto* g = std::get_if<MsgTxnGlobals>(&m);
    if (g == nullptr) continue;
    Result<Message> r = decode_message(encode_message(m));
    CHECK_TRUE(r.ok());
    const GlobalConfig& got = std::get<MsgTxnGlobals>(r.value()).globals;
    CHECK_EQUAL(g->globals.report_to.has_value(), got.report_to.has_value());
    CHECK_EQUAL(g->globals.listen_on.has_value(), got.listen_on.has_value());
    CHECK_TRUE(got == g->globals);
    with_report += got.report_to.has_value();
    with_listen += got.listen_on.has_value();
    empty += !got.report_to && !got.listen_on;
  }
  CHECK(with_report > 0 && with_listen > 0 && empty > 0);
}

TEST(Messages, EveryFlagCombinationRoundTrips) {
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

TEST(Messages, MessageTypeMatchesTheTypeByteAndNamesAreDistinct) {
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

TEST(Messages, EncodedJobSizeIsTheJobsShareOfTheRecord) {
  for (const JobDesc& j : {minimal_job(), full_job()}) {
    // version, type, count; and an index per job in a transaction.
    CHECK_EQUAL(encode_message(MsgTableJob{{j}}).size() - 6, encoded_job_size(j));
    CHECK_EQUAL(encode_message(MsgTxnAdd{{IndexedJob{0, j}}}).size() - 10, encoded_job_size(j));
  }
}

// ---- truncation, extension, corruption -----------------------------------

TEST(Messages, EveryTruncationIsRejected) {
  for (const Message& m : sample_messages()) {
    const auto rec = encode_message(m);
    for (size_t len = 0; len < rec.size(); ++len) {
      const std::string why = decode_reason(std::span<const std::byte>(rec.data(), len));
      STRCMP_EQUAL_TEXT("truncated record", why.c_str(), message_type_name(message_type(m)));
    }
  }
}

TEST(Messages, OneExtraByteIsRejected) {
  for (const Message& m : sample_messages()) {
    for (int extra : {0x00, 0x01, 0x7f, 0xff}) {
      auto rec = encode_message(m);
      rec.push_back(static_cast<std::byte>(extra));
      STRCMP_EQUAL("trailing bytes after record", decode_reason(rec).c_str());
    }
  }
}

// A flipped byte may still decode (a different number is still a number),
// but then it must be the canonical encoding of what it decoded to; and
// it must never crash (ASan/UBSan build).
TEST(Messages, ByteFlipsDecodeCanonicallyOrFailCleanly) {
  size_t rejected = 0, total = 0;
  for (const Message& m : sample_messages()) {
    const auto rec = encode_message(m);
    for (size_t i = 0; i < rec.size(); ++i) {
      for (int mask : {0x01, 0x02, 0x10, 0x80, 0xff}) {
        auto bad = rec;
        bad[i] ^= static_cast<std::byte>(mask);
        CHECK_TRUE(decodes_canonically(bad));
        rejected += !decode_message(bad).ok();
        ++total;
      }
    }
  }
  CHECK(rejected > 0 && rejected < total);
}

TEST(Messages, WrongProtocolVersionIsRejected) {
  for (int v = 0; v < 256; ++v) {
    if (v == kProtocolVersion) continue;
    auto rec = encode_message(MsgParse{1});
    rec[0] = static_cast<std::byte>(v);
    STRCMP_EQUAL("wrong protocol version", decode_reason(rec).c_str());
  }
}

TEST(Messages, OnlyTheFourteenTypesAreKnown) {
  const std::set<int> known = {1, 2, 3, 4, 5, 20, 21, 22, 23, 24, 25, 26, 27, 28};
  for (int t = 0; t < 256; ++t) {
    const auto rec = test::bytes({kProtocolVersion, t});
    const std::string why = decode_reason(rec);
    if (known.count(t) != 0)
      CHECK(why != "unknown message type");
    else
      STRCMP_EQUAL("unknown message type", why.c_str());
  }
}

TEST(Messages, RecordAtTheSizeLimitDecodesOneByteMoreDoesNot) {
  const JobDesc at = job_with_record_size(limits::kMessageBytes);
  const auto rec = encode_message(MsgTableJob{{at}});
  CHECK_EQUAL(limits::kMessageBytes, rec.size());
  Result<Message> r = decode_message(rec);
  CHECK_TRUE(r.ok());
  CHECK_TRUE(eq(job_of(r.value()), at));

  const auto big = encode_message(MsgTableJob{{job_with_record_size(limits::kMessageBytes + 1)}});
  CHECK_EQUAL(limits::kMessageBytes + 1, big.size());
  STRCMP_EQUAL("oversized record", decode_reason(big).c_str());
}

// ---- lying counts ------------------------------------------------------------

TEST(Messages, ListCountsAboveTheirCapsAreRejected) {
  struct Cap {
    const char* list;
    size_t cap;
    std::optional<uint32_t> JobOverrides::*count;
  };
  const Cap caps[] = {
      {"argv", limits::kArgs, &JobOverrides::argc},
      {"env", limits::kEnv, &JobOverrides::envc},
      {"cpus", limits::kCpus, &JobOverrides::ncpu},
      {"ulimits", limits::kUlimits, &JobOverrides::nlim},
      {"depends", limits::kDepends, &JobOverrides::ndep},
  };
  for (const Cap& c : caps) {
    for (uint32_t n : {static_cast<uint32_t>(c.cap + 1), 0xffffffffu}) {
      JobOverrides o;
      o.*c.count = n;
      STRCMP_EQUAL_TEXT("list too long", decode_reason(job_record(full_job(), o)).c_str(), c.list);
    }
    // At the cap but with nowhere near the bytes: refused before allocating.
    JobOverrides o;
    o.*c.count = static_cast<uint32_t>(c.cap);
    STRCMP_EQUAL_TEXT("truncated record", decode_reason(job_record(minimal_job(), o)).c_str(), c.list);
  }
}

// Off by one either way: the fields after the list no longer line up, and
// the record fails somewhere, never decodes.
TEST(Messages, ListCountsOffByOneAreRejected) {
  const JobDesc j = full_job();
  struct Actual {
    const char* list;
    size_t n;
    std::optional<uint32_t> JobOverrides::*count;
  };
  const Actual lists[] = {
      {"argv", j.argv.size(), &JobOverrides::argc},
      {"env", j.env.size(), &JobOverrides::envc},
      {"cpus", j.cpus.size(), &JobOverrides::ncpu},
      {"ulimits", j.ulimits.size(), &JobOverrides::nlim},
      {"depends", j.depends.size(), &JobOverrides::ndep},
  };
  for (const Actual& l : lists) {
    for (size_t n : {l.n - 1, l.n + 1}) {
      JobOverrides o;
      o.*l.count = static_cast<uint32_t>(n);
      CHECK_FALSE_TEXT(decode_message(job_record(j, o)).ok(), l.list);
    }
  }
}

TEST(Messages, JobWithoutArgvIsRejected) {
  JobDesc j = minimal_job();
  j.argv.clear();
  STRCMP_EQUAL("job without argv", decode_reason(job_record(j, {})).c_str());
}

TEST(Messages, UnknownJobFlagBitsAreRejected) {
  for (int bit = 4; bit < 8; ++bit) {
    JobOverrides o;
    o.flags = static_cast<uint8_t>(1u << bit);
    STRCMP_EQUAL("unknown job flag", decode_reason(job_record(minimal_job(), o)).c_str());
    o.flags = static_cast<uint8_t>((1u << bit) | 15u);
    STRCMP_EQUAL("unknown job flag", decode_reason(job_record(minimal_job(), o)).c_str());
  }
}

TEST(Messages, UnknownRestartModesAreRejected) {
  for (int mode = 0; mode < 256; ++mode) {
    JobOverrides o;
    o.restart = static_cast<uint8_t>(mode);
    const std::string why = decode_reason(job_record(minimal_job(), o));
    STRCMP_EQUAL(mode <= 2 ? "decoded" : "unknown restart mode", why.c_str());
  }
}

// ---- field ranges ------------------------------------------------------------

TEST(Messages, BooleansOutOfRangeAreRejected) {
  JobOverrides o;
  o.has_nice = 2;
  STRCMP_EQUAL("boolean out of range", decode_reason(job_record(minimal_job(), o)).c_str());
  for (int presence : {2, 0xff}) {
    const auto rec = test::bytes({kProtocolVersion, static_cast<int>(MsgType::TxnGlobals), presence, 0});
    STRCMP_EQUAL("boolean out of range", decode_reason(rec).c_str());
    const auto rec2 = test::bytes({kProtocolVersion, static_cast<int>(MsgType::TxnGlobals), 0, presence});
    STRCMP_EQUAL("boolean out of range", decode_reason(rec2).c_str());
  }
}

TEST(Messages, OnlyKnownParseModesAndSeverities) {
  for (int v = 0; v < 256; ++v) {
    auto hello = encode_message(MsgHello{ParseMode::Run, "x"});
    hello[2] = static_cast<std::byte>(v);
    auto diag = encode_message(MsgDiag{Severity::Error, 1, 1, "x"});
    diag[2] = static_cast<std::byte>(v);
    if (v == 1 || v == 2) {
      CHECK_TRUE(decode_message(hello).ok());
      CHECK_TRUE(decode_message(diag).ok());
    } else {
      STRCMP_EQUAL("unknown parse mode", decode_reason(hello).c_str());
      STRCMP_EQUAL("unknown severity", decode_reason(diag).c_str());
    }
  }
}

TEST(Messages, JobCountsAreCapped) {
  CHECK_TRUE(decode_message(encode_message(MsgTableBegin{limits::kJobs})).ok());
  CHECK_TRUE(decode_message(encode_message(MsgTxnBegin{1, limits::kJobs})).ok());
  const uint32_t over = static_cast<uint32_t>(limits::kJobs + 1);
  STRCMP_EQUAL("job count out of range", decode_reason(encode_message(MsgTableBegin{over})).c_str());
  STRCMP_EQUAL("job count out of range", decode_reason(encode_message(MsgTxnBegin{1, over})).c_str());
  STRCMP_EQUAL("job count out of range", decode_reason(encode_message(MsgTxnBegin{1, 0xffffffff})).c_str());
}

// Every string on the wire: at its cap it decodes, one byte over it does not.
TEST(Messages, EveryStringFieldIsCapped) {
  using Make = std::function<Message(const std::string&)>;
  struct Field {
    const char* name;
    size_t cap;
    Make make;
  };
  auto with_job = [](std::function<void(JobDesc&, const std::string&)> set) {
    return [set](const std::string& s) {
      JobDesc j = minimal_job();
      set(j, s);
      return Message{MsgTableJob{{j}}};
    };
  };
  const Field fields[] = {
      {"name", limits::kNameBytes, with_job([](JobDesc& j, const std::string& s) { j.name = s; })},
      {"argv[0]", limits::kStringBytes, with_job([](JobDesc& j, const std::string& s) { j.argv[0] = s; })},
      {"argv[1]", limits::kStringBytes, with_job([](JobDesc& j, const std::string& s) { j.argv.push_back(s); })},
      {"dir", limits::kPathBytes, with_job([](JobDesc& j, const std::string& s) { j.dir = s; })},
      {"in", limits::kPathBytes, with_job([](JobDesc& j, const std::string& s) { j.in = s; })},
      {"out", limits::kPathBytes, with_job([](JobDesc& j, const std::string& s) { j.out = s; })},
      {"err", limits::kPathBytes, with_job([](JobDesc& j, const std::string& s) { j.err = s; })},
      {"user", limits::kUserBytes, with_job([](JobDesc& j, const std::string& s) { j.user = s; })},
      {"env", limits::kStringBytes, with_job([](JobDesc& j, const std::string& s) { j.env = {s}; })},
      {"depends", limits::kPathBytes, with_job([](JobDesc& j, const std::string& s) { j.depends = {s}; })},
      {"hello config", limits::kPathBytes, [](const std::string& s) { return Message{MsgHello{ParseMode::Run, s}}; }},
      {"diag text", limits::kDiagnosticBytes,
       [](const std::string& s) { return Message{MsgDiag{Severity::Error, 1, 2, s}}; }},
      {"keep name", limits::kNameBytes,
       [](const std::string& s) { return Message{MsgTxnKeep{{KeptJob{0, s}}}}; }},
      {"remove name", limits::kNameBytes, [](const std::string& s) { return Message{MsgTxnRemove{s}}; }},
      {"host", 64,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals(UdpAddress{s, 1, ""}, std::nullopt)}};
       }},
      {"iface", 16,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals(std::nullopt, UdpAddress{"::1", 1, s})}};
       }},
      {"control socket", limits::kSocketPathBytes,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals(std::nullopt, std::nullopt, ControlConfig{true, s, {}, {}})}};
       }},
      {"control user", limits::kUserBytes + 1,
       [](const std::string& s) {
         return Message{
             MsgTxnGlobals{test::make_globals(std::nullopt, std::nullopt, ControlConfig{true, "", {}, Principals{false, {s}}})}};
       }},
  };
  for (const Field& f : fields) {
    const std::string at(f.cap, 'x');
    Result<Message> ok = decode_message(encode_message(f.make(at)));
    CHECK_TEXT(ok.ok(), f.name);
    CHECK_TEXT(eq(ok.value(), f.make(at)), f.name);
    const std::string over(f.cap + 1, 'x');
    STRCMP_EQUAL_TEXT("string too long", decode_reason(encode_message(f.make(over))).c_str(), f.name);
    const std::string nul = std::string("a\0b", 3);
    STRCMP_EQUAL_TEXT("NUL byte inside string", decode_reason(encode_message(f.make(nul))).c_str(), f.name);
  }
}

// ---- random input ------------------------------------------------------------

TEST(Messages, RandomBytesNeverDecodeNonCanonically) {
  std::mt19937 rng(20240601);
  const uint8_t types[] = {1, 2, 3, 4, 5, 20, 21, 22, 23, 24, 25, 26, 27, 28};
  size_t decoded = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    const size_t len = rng() % 96;
    std::vector<std::byte> rec(len);
    for (auto& b : rec) b = static_cast<std::byte>(rng());
    // Half get a valid header so the body decoders see the garbage too;
    // small numbers are common in real records, so bias bytes toward them.
    if (iter % 2 == 0 && len >= 2) {
      rec[0] = std::byte{kProtocolVersion};
      rec[1] = static_cast<std::byte>(types[rng() % std::size(types)]);
      for (size_t i = 2; i < len; ++i)
        if (rng() % 2) rec[i] = static_cast<std::byte>(rng() % 3);
    }
    CHECK_TRUE(decodes_canonically(rec));
    decoded += decode_message(rec).ok();
  }
  CHECK(decoded > 0);
}

TEST(Messages, RandomMutationsOfValidRecordsNeverDecodeNonCanonically) {
  std::mt19937 rng(7);
  const auto samples = sample_messages();
  for (int iter = 0; iter < 20000; ++iter) {
    auto rec = encode_message(samples[rng() % samples.size()]);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !rec.empty(); ++e) {
      const size_t at = rng() % rec.size();
      switch (rng() % 3) {
        case 0: rec[at] = static_cast<std::byte>(rng()); break;
        case 1: rec.erase(rec.begin() + static_cast<std::ptrdiff_t>(at)); break;
        default: rec.insert(rec.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::byte>(rng())); break;
      }
    }
    CHECK_TRUE(decodes_canonically(rec));
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
