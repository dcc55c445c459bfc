#include "parser/parser_session.hpp"

#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/channel.hpp"
#include "common/limits.hpp"
#include "parser/config_diff.hpp"
#include "parser/config_parser.hpp"

namespace pmtr {

ReadConfig read_config_fd(int fd, size_t max_bytes) noexcept {
  ReadConfig r;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      r.err = errno;
      return r;
    }
    if (n == 0) break;
    r.text.append(buf, static_cast<size_t>(n));
    if (r.text.size() > max_bytes) break;
  }
  r.ok = true;
  return r;
}

namespace {

// A diagnostic may quote config text: keep it within the wire's limits
// (length, no NUL) rather than have the monitor reject the record.
std::string clip_for_wire(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += c == '\0' ? '?' : c;
  if (out.size() > limits::kDiagnosticBytes) {
    out.resize(limits::kDiagnosticBytes - 3);
    out += "...";
  }
  return out;
}

}  // namespace

bool ParserSession::send(const Message& m) noexcept { return send_message(sock_, m).ok(); }

int ParserSession::run() noexcept {
  for (;;) {
    // Only a Parse record may carry an fd; the channel layer rejects fds
    // on anything else, and we reject a Parse without one below.
    RecvResult r = recv_message(sock_, state_ == State::Ready);
    switch (r.status) {
      case RecvStatus::Message:
        if (!handle(r.received->message, std::move(r.received->fd))) return 1;
        break;
      case RecvStatus::Closed:
        return 0;
      case RecvStatus::WouldBlock:
        break;
      case RecvStatus::Bad:
        return 1;
    }
  }
}

bool ParserSession::handle(const Message& m, unique_fd fd) noexcept {
  const MsgType type = message_type(m);
  switch (state_) {
    case State::AwaitHello:
      if (type != MsgType::Hello) return false;
      mode_ = std::get<MsgHello>(m).mode;
      state_ = State::AwaitTableBegin;
      return true;
    case State::AwaitTableBegin:
      if (type != MsgType::TableBegin) return false;
      table_expected_ = std::get<MsgTableBegin>(m).job_count;
      table_.clear();
      table_.reserve(table_expected_);
      state_ = State::InTable;
      return true;
    case State::InTable:
      if (type == MsgType::TableJob) {
        const auto& jobs = std::get<MsgTableJob>(m).jobs;
        if (jobs.size() > table_expected_ - table_.size()) return false;
        for (const auto& j : jobs) table_.push_back(make_job_key(j));
        return true;
      }
      if (type == MsgType::TableEnd && table_.size() == table_expected_) {
        state_ = State::Ready;
        return true;
      }
      return false;
    case State::Ready:
      if (type != MsgType::Parse || !fd.valid()) return false;
      return parse_and_send(std::get<MsgParse>(m).generation, fd);
  }
  return false;
}

bool ParserSession::parse_and_send(uint32_t generation, const unique_fd& config) noexcept {
  ReadConfig in = read_config_fd(config.get(), limits::kConfigBytes);
  if (!in.ok) {
    const std::string text = std::string("cannot read config: ") + std::strerror(in.err);
    return send(MsgDiag{Severity::Error, 0, 0, text}) &&
           send(MsgParseFailed{generation, 1, 0});
  }
  ParsedConfig parsed = parse_config(in.text);
  for (const auto& d : parsed.diagnostics)
    if (!send(MsgDiag{d.severity, d.line, d.col, clip_for_wire(d.text)})) return false;
  const auto errors = static_cast<uint32_t>(parsed.errors());
  const auto warnings = static_cast<uint32_t>(parsed.warnings());
  if (errors != 0) return send(MsgParseFailed{generation, errors, warnings});

  // Keys are computed once: compared against the current table here, and
  // kept as the table for the next parse.  (A -t check keeps nothing.)
  std::vector<JobKey> next_keys;
  next_keys.reserve(parsed.jobs.size());
  for (const auto& j : parsed.jobs)
    next_keys.push_back(mode_ == ParseMode::Run || !table_.empty() ? make_job_key(j) : JobKey{j.name, {}});
  for (const auto& msg :
       make_transaction(generation, table_, std::move(parsed.jobs), next_keys, parsed.globals, warnings))
    if (!send(msg)) return false;
  // The monitor applies the whole transaction or kills us; either way the
  // table we diff against next time is this config (a fresh parser is
  // handed the monitor's real table).
  if (mode_ == ParseMode::Run) table_ = std::move(next_keys);
  // The parse's memory goes back to the kernel while we idle (the parser
  // lives as long as pmtr: its resident size counts).
  parsed = ParsedConfig{};
  in.text = std::string();
#ifndef __SANITIZE_ADDRESS__
  // (ASan's allocator has its own malloc_trim, whose syscalls the sandbox
  // does not allow.)
  malloc_trim(0);
#endif
  return true;
}

}  // namespace pmtr
