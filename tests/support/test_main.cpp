// Shared CppUTest entry point for every suite.
#include <CppUTest/CommandLineTestRunner.h>
#include <CppUTest/MemoryLeakWarningPlugin.h>

int main(int argc, char** argv) {
  // CppUTest's new/delete leak checker double-counts allocations that
  // outlive a test on purpose (static tables) and fights ASan's own
  // allocator; ASan's LeakSanitizer does this job under SANITIZE=1.
  MemoryLeakWarningPlugin::turnOffNewDeleteOverloads();
  return CommandLineTestRunner::RunAllTests(argc, argv);
}
