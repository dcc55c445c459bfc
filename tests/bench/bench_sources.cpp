// The bench helpers under test, compiled into this suite.  The Makefile's
// suite rule links tests/SUITE/*.cpp with the part libraries, and bench/ is
// not a part library (its objects go into the bench programs only), so the
// suite takes the sources it tests from here.  Should the Makefile ever
// link bench/*.o into the bench suite, delete this file.
#include "bench/config_gen.cpp"
#include "bench/launch.cpp"
#include "bench/peers.cpp"
#include "bench/proc_events.cpp"
#include "bench/proc_tree.cpp"
#include "bench/process_watch.cpp"
#include "bench/results.cpp"
