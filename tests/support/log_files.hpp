// What the log capture tests read back: a job's log directory's records,
// archives first (oldest first) then `current`, and the numbered lines of
// tests/tools/line_writer.cpp among them.
#pragma once

#include <string>
#include <vector>

namespace pmtr::test {

// The archive names (@...log) of a job directory, sorted (oldest first).
std::vector<std::string> log_archives(const std::string& job_dir);
// Every line of the archives and then of `current`.
std::vector<std::string> log_records(const std::string& job_dir);
// The numbers N of the records whose text (after the stamp and its space)
// is "PREFIX N", in file order.
std::vector<long> numbered(const std::vector<std::string>& records, const std::string& prefix);
// "" when `numbers` is first, first+1, ... without gap or repeat;
// otherwise where it breaks ("after 41 comes 43").
std::string contiguity_problem(const std::vector<long>& numbers);
// tests/tools/line_writer.cpp with these arguments, as a job's command.
std::string line_writer(const std::string& args);
// The last number it wrote, from its -s STATE file (0 before the first).
long writer_state(const std::string& path);
// True when the record starts with an ISO 8601 UTC stamp with
// microseconds and then `sep` ("2026-12-07T09:15:02.123456Z ").
bool has_stamp(const std::string& record, char sep = ' ');

}  // namespace pmtr::test
