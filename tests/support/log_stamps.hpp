// When pmtr logged a line: with -F every line of its stderr log starts
// with a UTC timestamp in milliseconds ("2026-12-07T09:15:02.123Z pmtr:
// ..."), so the end-to-end tests measure the delays pmtr applied from its
// own log rather than from when a poll happened to look.
#pragma once

#include <string>

namespace pmtr::test {

// The time (seconds since the epoch) of the stamp that starts `line`, or
// -1 when it does not start with one.
double log_stamp(const std::string& line);

// The stamp of the nth (from 0) line of `log` that contains `needle`, or
// -1 when there is no such line.
double stamp_of(const std::string& log, const std::string& needle, int nth = 0);

// Every line of `log` that contains `needle`, in order, without its stamp.
std::string lines_with(const std::string& log, const std::string& needle);

}  // namespace pmtr::test
