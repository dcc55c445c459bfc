// Shared CppUTest entry point for every suite.
#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/MemoryLeakWarningPlugin.h>

#include <stdlib.h>

#include <filesystem>
#include <string>

int main(int argc, char** argv) {
  // Every pmtr a test starts listens on a control socket of this test
  // process's own (tests/support/e2e_harness.cpp gives each Pmtr one of
  // its own instance), never on the system's /run/pmtr/control: test
  // groups run side by side, and a second pmtr on one socket refuses to
  // start.  Removed after the run, here and not at exit: forked test
  // children exit too, some inside a seccomp filter.
  std::string control_dir;
  if (getenv("PMTR_CONTROL_SOCKET") == nullptr) {
    char tmpl[] = "/tmp/pmtr-test-ctl.XXXXXX";
    if (const char* dir = mkdtemp(tmpl)) {
      control_dir = dir;
      setenv("PMTR_CONTROL_SOCKET", (control_dir + "/control").c_str(), 1);
    }
  }
  // CppUTest's new/delete leak checker double-counts allocations that
  // outlive a test on purpose (static tables) and fights ASan's own
  // allocator; ASan's LeakSanitizer does this job under SANITIZE=1.
  MemoryLeakWarningPlugin::turnOffNewDeleteOverloads();
  const int rc = CommandLineTestRunner::RunAllTests(argc, argv);
  std::error_code ec;
  if (!control_dir.empty()) std::filesystem::remove_all(control_dir, ec);
  return rc;
}
