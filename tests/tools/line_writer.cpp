// The job of the log capture tests: numbered lines, so that a test can
// tell a lost or repeated line from the numbers alone.
//   line-writer [-i MS] [-n COUNT] [-e] [-s STATE] [-p PREFIX]
// Writes "PREFIX N" (default "line N") to stdout, N counting from one more
// than the number in STATE (a file, rewritten after each line) or from 1;
// with -e also "err N" to stderr after each.  Every MS ms (default 0: as
// fast as the pipe takes them); exits 0 after COUNT lines (default: never).
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

long read_state(const char* path) {
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return 0;
  long n = 0;
  if (std::fscanf(f, "%ld", &n) != 1) n = 0;
  std::fclose(f);
  return n;
}

void write_state(const char* path, long n) {
  const std::string tmp = std::string(path) + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return;
  std::fprintf(f, "%ld\n", n);
  std::fclose(f);
  std::rename(tmp.c_str(), path);
}

bool write_line(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t w = ::write(fd, s.data() + off, s.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    off += static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  long interval_ms = 0, count = -1;
  bool also_err = false;
  const char* state = nullptr;
  std::string prefix = "line";
  int opt;
  while ((opt = ::getopt(argc, argv, "i:n:es:p:")) != -1) {
    switch (opt) {
      case 'i': interval_ms = std::atol(optarg); break;
      case 'n': count = std::atol(optarg); break;
      case 'e': also_err = true; break;
      case 's': state = optarg; break;
      case 'p': prefix = optarg; break;
      default: return 2;
    }
  }
  long n = state != nullptr ? read_state(state) : 0;
  for (long i = 0; count < 0 || i < count; ++i) {
    ++n;
    if (!write_line(1, prefix + " " + std::to_string(n) + "\n")) return 1;
    if (also_err && !write_line(2, "err " + std::to_string(n) + "\n")) return 1;
    if (state != nullptr) write_state(state, n);
    if (interval_ms > 0) {
      const timespec ts{interval_ms / 1000, (interval_ms % 1000) * 1000000};
      ::nanosleep(&ts, nullptr);
    }
  }
  return 0;
}
