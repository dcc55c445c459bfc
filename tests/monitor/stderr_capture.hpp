// Captures what the logger writes to stderr while it lives, for tests
// that check the monitor's log lines without a process of their own.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <string>

#include "common/log.hpp"

namespace pmtr::test {

class StderrCapture {
 public:
  StderrCapture() {
    char tmpl[] = "/tmp/pmtr-log-capture.XXXXXX";
    fd_ = mkstemp(tmpl);
    path_ = tmpl;
    saved_ = dup(2);
    dup2(fd_, 2);
    log_init("pmtr", LogTarget::Stderr, 0);
  }
  ~StderrCapture() {
    dup2(saved_, 2);
    ::close(saved_);
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  std::string text() const {
    std::string s;
    char buf[4096];
    ssize_t n;
    off_t off = 0;
    while ((n = pread(fd_, buf, sizeof buf, off)) > 0) {
      s.append(buf, static_cast<size_t>(n));
      off += n;
    }
    return s;
  }
  int count(const std::string& needle) const {
    const std::string t = text();
    int n = 0;
    for (size_t p = t.find(needle); p != std::string::npos; p = t.find(needle, p + 1)) ++n;
    return n;
  }

 private:
  int fd_ = -1;
  int saved_ = -1;
  std::string path_;
};

}  // namespace pmtr::test
