#include "bench/peers.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bench/proc_events.hpp"
#include "common/syscalls.hpp"

namespace pmtr::bench {

const char* peer_name(Peer p) noexcept {
  switch (p) {
    case Peer::Runit: return "runit";
    case Peer::S6: return "s6";
    case Peer::Supervisord: return "supervisord";
  }
  return "?";
}

int peer_job_depth(Peer p) noexcept {
  switch (p) {
    case Peer::Runit: return 2;
    case Peer::S6: return 2;
    case Peer::Supervisord: return 1;
  }
  return 1;
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += '\'';
    for (char c : a) {
      if (c == '\'') out += "'\\''";
      else out += c;
    }
    out += '\'';
  }
  return out;
}

std::string run_script(const std::vector<std::string>& argv) { return "#!/bin/sh\nexec " + shell_quote(argv) + "\n"; }

namespace {

// PATH (mode 0755) holding the run script of argv.
bool write_run_script(const std::string& path, const std::vector<std::string>& argv, std::string* why) {
  const FdResult f = sys_open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (!f.ok()) {
    *why = "open " + path + ": " + std::strerror(f.err);
    return false;
  }
  const std::string text = run_script(argv);
  const IoResult w = sys_write_all(f.fd.get(), text.data(), text.size());
  // The umask may have taken the execute bits away.
  ::fchmod(f.fd.get(), 0755);
  if (!w.ok()) {
    *why = "write " + path + ": " + std::strerror(w.err);
    return false;
  }
  return true;
}

}  // namespace

bool write_service_dir(const std::string& scandir, const std::string& name, const std::vector<std::string>& argv,
                       std::string* why, uint64_t* t_ns) {
  const std::string stage = scandir + "/." + name;
  const std::string final_dir = scandir + "/" + name;
  auto fail = [&](const std::string& what) {
    *why = what + ": " + std::strerror(errno);
    return false;
  };
  if (::mkdir(stage.c_str(), 0755) != 0 && errno != EEXIST) return fail("mkdir " + stage);
  if (!write_run_script(stage + "/run", argv, why)) return false;
  if (t_ns != nullptr) *t_ns = now_ns();
  if (::rename(stage.c_str(), final_dir.c_str()) != 0) return fail("rename " + stage);
  return true;
}

bool replace_run_script(const std::string& service_dir, const std::vector<std::string>& argv, std::string* why,
                        uint64_t* t_ns) {
  const std::string stage = service_dir + "/run.new";
  if (!write_run_script(stage, argv, why)) return false;
  if (t_ns != nullptr) *t_ns = now_ns();
  if (::rename(stage.c_str(), (service_dir + "/run").c_str()) != 0) {
    *why = "rename " + stage + ": " + std::strerror(errno);
    ::unlink(stage.c_str());
    return false;
  }
  return true;
}

std::string supervisord_config(const std::string& dir, const std::vector<Program>& programs) {
  std::string out;
  out += "[unix_http_server]\nfile=" + dir + "/supervisor.sock\nchmod=0700\n\n";
  out += "[supervisord]\nnodaemon=true\nlogfile=" + dir + "/supervisord.log\npidfile=" + dir +
         "/supervisord.pid\nchildlogdir=" + dir + "\nloglevel=warn\nminfds=" +
         std::to_string(1024 + 4 * programs.size()) + "\nminprocs=" + std::to_string(200 + 2 * programs.size()) +
         "\n\n";
  out += "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n";
  out += "[supervisorctl]\nserverurl=unix://" + dir + "/supervisor.sock\n";
  for (const auto& p : programs) {
    // supervisord splits command= with shlex; the quoting of a run script
    // reads the same there.
    out += "\n[program:" + p.name + "]\ncommand=" + shell_quote(p.argv) +
           "\nautostart=true\nautorestart=true\nstartsecs=0\nstopwaitsecs=10\nstdout_logfile=NONE\nstderr_logfile=NONE\n";
  }
  return out;
}

}  // namespace pmtr::bench
