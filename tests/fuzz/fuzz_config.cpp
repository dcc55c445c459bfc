// libFuzzer target for the pmtr.conf parser: any bytes in, and
//  - the parser never crashes, hangs or reads out of bounds (ASan, UBSan);
//  - every diagnostic is positioned inside the text, short enough for the
//    wire (limits::kDiagnosticBytes), in file order;
//  - a config without errors only yields jobs the monitor accepts
//    (check_job) and that survive the codec unchanged;
//  - parse_config_encoded() (what pmtr-parser runs) reports exactly the
//    same diagnostics and globals, and keeps exactly the encodings of the
//    same jobs;
// otherwise abort().
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "common/job_check.hpp"
#include "common/limits.hpp"
#include "common/messages.hpp"
#include "parser/config_parser.hpp"

using namespace pmtr;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_diagnostics(std::string_view text, const ParsedConfig& c) {
  uint32_t lines = 1;
  for (char ch : text) lines += ch == '\n';
  require(c.errors() + c.warnings() == c.diagnostics.size());
  require(c.diagnostics.size() <= limits::kDiagnostics + 1);   // the monitor's cap
  for (size_t i = 0; i < c.diagnostics.size(); ++i) {
    const Diagnostic& d = c.diagnostics[i];
    require(!d.text.empty() && d.text.size() <= limits::kDiagnosticBytes);
    if (d.line == 0) {
      require(d.col == 0);
      continue;
    }
    require(d.line <= lines && d.col >= 1 && d.col <= limits::kLineBytes + 1);
    const bool last = i + 1 == c.diagnostics.size();
    if (i > 0 && !(last && d.text == "too many errors, giving up")) {
      const Diagnostic& p = c.diagnostics[i - 1];
      require(p.line < d.line || (p.line == d.line && p.col <= d.col));
    }
    MsgDiag m{d.severity, d.line, d.col, d.text};
    require(decode_message(encode_message(m)).ok());
  }
}

void check_jobs(const ParsedConfig& c) {
  for (size_t i = 0; i < c.jobs.size(); ++i) {
    const JobDesc& j = c.jobs[i];
    require(check_job(j).ok());
    MsgTxnAdd add;
    add.jobs.push_back(IndexedJob{static_cast<uint32_t>(i), j});
    const auto bytes = encode_message(add);
    require(bytes.size() <= limits::kMessageBytes);
    auto back = decode_message(bytes);
    require(back.ok());
    const auto* got = std::get_if<MsgTxnAdd>(&back.value());
    require(got && got->jobs.size() == 1);
    const JobDesc& k = got->jobs[0].job;
    require(same_definition(j, k) && k.pos == j.pos && k.cmd_pos == j.cmd_pos &&
            k.dir_pos == j.dir_pos && k.user_pos == j.user_pos);
  }
  require(check_globals(c.globals).ok());
  auto back = decode_message(encode_message(MsgTxnGlobals{c.globals}));
  require(back.ok());
  const auto* g = std::get_if<MsgTxnGlobals>(&back.value());
  require(g && g->globals == c.globals);
}

void check_encoded(std::string_view text, const ParsedConfig& c) {
  const EncodedConfig e = parse_config_encoded(text);
  require(e.diagnostics.size() == c.diagnostics.size());
  for (size_t i = 0; i < c.diagnostics.size(); ++i) {
    const Diagnostic& a = c.diagnostics[i];
    const Diagnostic& b = e.diagnostics[i];
    require(a.severity == b.severity && a.line == b.line && a.col == b.col && a.text == b.text);
  }
  require(e.globals == c.globals);
  require(e.jobs.size() == c.jobs.size());
  for (size_t i = 0; i < c.jobs.size(); ++i) {
    EncodedJobs one;
    one.add(c.jobs[i]);
    const auto a = one.job(0);
    const auto b = e.jobs.job(i);
    require(a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ParsedConfig c = parse_config(text);
  check_diagnostics(text, c);
  check_encoded(text, c);
  if (c.errors() == 0) check_jobs(c);
  return 0;
}
