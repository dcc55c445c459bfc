// libFuzzer target for the monitor <-> parser codec: arbitrary bytes into
// decode_message.  Whatever decodes must be the canonical encoding of what
// it decoded to (so nothing acted on can differ from what was on the wire),
// must decode again to the same encoding, and must survive the monitor's
// re-validation (check_job, check_globals) and log formatting without a
// crash.  A failed decode must name its reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <variant>

#include "common/diagnostic.hpp"
#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"

namespace {

using namespace pmtr;

void require(bool ok) {
  if (!ok) std::abort();
}

void exercise_job(const JobDesc& j) {
  const Status st = check_job(j);
  if (!st.ok()) require(!st.error().what.empty());
  require(encoded_job_size(j) <= limits::kMessageBytes);
}

struct Revalidate {
  void operator()(const MsgHello& m) { (void)escape_for_log(m.config_name); }
  void operator()(const MsgTableBegin& m) { require(m.job_count <= limits::kJobs); }
  void operator()(const MsgTableJob& m) {
    require(!m.jobs.empty());
    for (const JobDesc& j : m.jobs) exercise_job(j);
  }
  void operator()(const MsgTableEnd&) {}
  void operator()(const MsgParse&) {}
  void operator()(const MsgDiag& m) {
    const std::string line = format_diagnostic("pmtr.conf", m.severity, m.line, m.col, m.text);
    for (char c : line) require(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
  }
  void operator()(const MsgTxnBegin& m) { require(m.job_count <= limits::kJobs); }
  void operator()(const MsgTxnKeep& m) {
    require(!m.jobs.empty());
    for (const KeptJob& k : m.jobs) (void)valid_job_name(k.name);
  }
  void operator()(const MsgTxnAdd& m) {
    require(!m.jobs.empty());
    for (const IndexedJob& ij : m.jobs) exercise_job(ij.job);
  }
  void operator()(const MsgTxnChange& m) {
    require(!m.jobs.empty());
    for (const IndexedJob& ij : m.jobs) exercise_job(ij.job);
  }
  void operator()(const MsgTxnRemove& m) { (void)valid_job_name(m.name); }
  void operator()(const MsgTxnGlobals& m) {
    const Status st = check_globals(m.globals);
    if (!st.ok()) require(!st.error().what.empty());
  }
  void operator()(const MsgTxnEnd&) {}
  void operator()(const MsgParseFailed&) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data), size);
  Result<Message> r = decode_message(in);
  if (!r.ok()) {
    require(!r.error().what.empty());
    return 0;
  }
  require(size <= limits::kMessageBytes);
  require(std::string(message_type_name(message_type(r.value()))) != "unknown");

  const auto enc = encode_message(r.value());
  require(enc.size() == size && (size == 0 || std::memcmp(enc.data(), data, size) == 0));
  Result<Message> again = decode_message(enc);
  require(again.ok());
  require(encode_message(again.value()) == enc);

  std::visit(Revalidate{}, r.value());
  return 0;
}
