// The monitor <-> parser message codec, what it must refuse: the monitor
// decodes every record from a parser that may have been taken over, so a
// truncated, extended or corrupted record, a count that lies, or a field
// out of its range must fail cleanly, and whatever does decode must be the
// canonical encoding of what it decoded to (random input included).  What
// the codec must carry is in messages_layout_test.cpp.
#include "common/messages.hpp"

#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/limits.hpp"
#include "common/wire.hpp"
#include "tests/common/messages_support.hpp"
#include "tests/common/samples.hpp"

// CppUTest last: its new/delete macros must not reach the standard headers.
#include <CppUTest/TestHarness.h>

using namespace pmtr;
using namespace pmtr::test;

TEST_GROUP(Messages){};

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
  // Globals: no report address, then listen on's presence; then an empty
  // key and the control socket's `enabled`.
  const int globals = static_cast<int>(MsgType::TxnGlobals);
  for (int presence : {2, 0xff}) {
    const auto rec = test::bytes({kProtocolVersion, globals, 0, 0, 0, 0, presence, 0});
    STRCMP_EQUAL("boolean out of range", decode_reason(rec).c_str());
    const auto rec2 = test::bytes({kProtocolVersion, globals, 0, 0, 0, 0, 0, 0, 0, 0, 0, presence});
    STRCMP_EQUAL("boolean out of range", decode_reason(rec2).c_str());
  }
}

TEST(Messages, ReportAddressesBeyondTheLimitAreRejected) {
  GlobalConfig g;
  for (size_t i = 0; i < limits::kReportTargets; ++i)
    g.report_to.push_back(UdpAddress{"192.0.2.1", static_cast<uint16_t>(i + 1), ""});
  CHECK_TRUE(decode_message(encode_message(MsgTxnGlobals{g})).ok());
  g.report_to.push_back(UdpAddress{"192.0.2.1", 999, ""});
  STRCMP_EQUAL("list too long", decode_reason(encode_message(MsgTxnGlobals{g})).c_str());
  // A count that the bytes left cannot hold.
  const auto rec = test::bytes({kProtocolVersion, static_cast<int>(MsgType::TxnGlobals), 2, 0, 0, 0});
  CHECK_FALSE(decode_message(rec).ok());
}

TEST(Messages, ListenKeyMustBeAbsolute) {
  GlobalConfig g = test::make_globals({}, UdpAddress{"0.0.0.0", 10000, ""});
  g.listen_key = "/etc/pmtr/listen.key";
  Result<Message> ok = decode_message(encode_message(MsgTxnGlobals{g}));
  CHECK_TRUE(ok.ok());
  STRCMP_EQUAL("/etc/pmtr/listen.key", std::get<MsgTxnGlobals>(ok.value()).globals.listen_key.c_str());
  for (const char* bad : {"etc/pmtr/listen.key", "listen.key", "./k", "/etc/\x01key"}) {
    g.listen_key = bad;
    STRCMP_EQUAL_TEXT("listen key is not an absolute path", decode_reason(encode_message(MsgTxnGlobals{g})).c_str(), bad);
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
      {"host", limits::kHostNameBytes,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals({UdpAddress{s, 1, ""}}, std::nullopt)}};
       }},
      {"iface", 16,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals({}, UdpAddress{"::1", 1, s})}};
       }},
      {"control socket", limits::kSocketPathBytes,
       [](const std::string& s) {
         return Message{MsgTxnGlobals{test::make_globals({}, std::nullopt, ControlConfig{true, s, {}, {}})}};
       }},
      {"control user", limits::kUserBytes + 1,
       [](const std::string& s) {
         return Message{
             MsgTxnGlobals{test::make_globals({}, std::nullopt, ControlConfig{true, "", {}, Principals{false, {s}}})}};
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
