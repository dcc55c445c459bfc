// A substitute pmtr-parser for the end-to-end tests: what an attacker who
// took over the real parser could send.  The monitor runs it like the real
// one (a sibling of its own executable named pmtr-parser, channel on fd 3);
// it never sandboxes itself and it reads no config.  What it does at each
// Parse request comes from the file `fake-parser.mode` beside it, read
// anew each time, so a test can change its behaviour between parses:
//
//   serve [NAME ARG0 ARGS...]  a valid transaction whose config is exactly
//                              job NAME running ARG0 ARGS (none: no job)
//   serve-big N                the same with N disabled jobs of 4 KiB each
//                              (a table too big for the socket buffer)
//   malformed                  a record that does not decode
//   die                        exit 3 without answering
//   flood                      a transaction announcing 200,000 jobs, then
//                              64 KiB TxnAdd records as fast as the socket
//                              takes them (for at most 20 s)
//   forge                      a transaction removing a job whose name holds
//                              a newline and a forged log line
//   deaf                       (read at startup) never read the channel
//                              (for 30 s), so the monitor's sends block
//
// If `fake-parser.stderr` exists beside it, its bytes are written to fd 2
// at startup (what a parser could print on the monitor's stderr).
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/channel.hpp"
#include "common/messages.hpp"

using namespace pmtr;

namespace {

constexpr int kChannelFd = 3;

std::string beside_me(const char* name) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return name;
  self[n] = '\0';
  std::string dir(self);
  return dir.substr(0, dir.rfind('/') + 1) + name;
}

std::vector<std::string> read_mode() {
  std::ifstream in(beside_me("fake-parser.mode"));
  std::string line;
  std::getline(in, line);
  std::istringstream words(line);
  std::vector<std::string> out;
  for (std::string w; words >> w;) out.push_back(w);
  return out;
}

bool send(const Message& m) { return send_message(kChannelFd, m).ok(); }

class Fake {
 public:
  int run() {
    if (!read_table()) return 2;
    for (;;) {
      RecvResult r = recv_message(kChannelFd, true);
      if (r.status != RecvStatus::Message) return 0;   // the monitor closed the channel
      const auto* parse = std::get_if<MsgParse>(&r.received->message);
      if (parse == nullptr) return 2;
      if (!answer(parse->generation)) return 0;
    }
  }

 private:
  bool read_table() {
    for (;;) {
      RecvResult r = recv_message(kChannelFd, false);
      if (r.status != RecvStatus::Message) return false;
      if (auto* batch = std::get_if<MsgTableJob>(&r.received->message))
        for (auto& j : batch->jobs) table_[j.name] = j;
      if (std::holds_alternative<MsgTableEnd>(r.received->message)) return true;
    }
  }

  bool answer(uint32_t gen) {
    const std::vector<std::string> mode = read_mode();
    const std::string what = mode.empty() ? "serve" : mode[0];
    if (what == "malformed") {
      const unsigned char junk[] = {0xff, 0xfe, 0xfd};
      return ::send(kChannelFd, junk, sizeof junk, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof junk);
    }
    if (what == "die") _exit(3);
    if (what == "flood") return flood(gen);
    if (what == "forge") {
      return send(MsgTxnBegin{gen, 0}) && send(MsgTxnGlobals{}) &&
             send(MsgTxnRemove{"ghost\npmtr: started job sshd-backdoor [1]"}) && send(MsgTxnEnd{0});
    }
    return serve(gen, mode);
  }

  // Keeps, changes or adds the one job, removes every other.
  bool serve(uint32_t gen, const std::vector<std::string>& mode) {
    std::map<std::string, JobDesc> next;
    if (mode.size() == 2 && mode[0] == "serve-big") {
      for (int i = 0; i < std::atoi(mode[1].c_str()); ++i) {
        JobDesc j;
        j.name = "big" + std::to_string(i);
        j.argv = {"/bin/true", std::string(4096, 'x')};
        j.disabled = true;
        next[j.name] = j;
      }
    } else if (mode.size() >= 3) {
      JobDesc j;
      j.name = mode[1];
      j.argv.assign(mode.begin() + 2, mode.end());
      next[j.name] = j;
    }
    if (!send(MsgTxnBegin{gen, static_cast<uint32_t>(next.size())}) || !send(MsgTxnGlobals{})) return false;
    for (const auto& [name, job] : table_)
      if (next.count(name) == 0 && !send(MsgTxnRemove{name})) return false;
    uint32_t index = 0;
    for (const auto& [name, job] : next) {
      const auto old = table_.find(name);
      bool ok;
      if (old == table_.end())
        ok = send(MsgTxnAdd{{IndexedJob{index, job}}});
      else if (job_definition_key(old->second) == job_definition_key(job))
        ok = send(MsgTxnKeep{{KeptJob{index, name}}});
      else
        ok = send(MsgTxnChange{{IndexedJob{index, job}}});
      if (!ok) return false;
      ++index;
    }
    if (!send(MsgTxnEnd{0})) return false;
    table_ = std::move(next);
    return true;
  }

  bool flood(uint32_t gen) {
    if (!send(MsgTxnBegin{gen, 200000}) || !send(MsgTxnGlobals{})) return false;
    JobDesc j;
    j.argv = {"/bin/true", std::string(3000, 'x')};
    std::vector<IndexedJob> batch;
    for (uint32_t i = 0; i < 20; ++i) {
      j.name = "flood" + std::to_string(i);
      batch.push_back(IndexedJob{i, j});
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end)
      if (!send(MsgTxnAdd{batch})) return false;   // killed, or the channel closed
    return true;
  }

  std::map<std::string, JobDesc> table_;
};

}  // namespace

int main() {
  prctl(PR_SET_NAME, "pmtr: parser", 0, 0, 0);
  if (const auto mode = read_mode(); !mode.empty() && mode[0] == "deaf") {
    sleep(30);
    return 0;
  }
  std::ifstream err(beside_me("fake-parser.stderr"), std::ios::binary);
  if (err) {
    std::stringstream ss;
    ss << err.rdbuf();
    const std::string text = ss.str();
    if (::write(2, text.data(), text.size()) < 0) return 2;
  }
  return Fake().run();
}
