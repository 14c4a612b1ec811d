#include "zcdp/run/state_dir.h"

#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "zcdp/warehouse/value.h"

namespace zcdp {

namespace fs = std::filesystem;

Result<StateDir> StateDir::Open(const Project& project) {
  const std::string path = project.StateDir();
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Status::IoError("cannot create state directory '" + path + "': " + ec.message());
  const fs::path readme = fs::path(path) / "README";
  if (!fs::exists(readme, ec)) {
    std::ofstream(readme) << "zcdp state for this project: run metadata and locks only.\n"
                             "Customer data stays in the warehouse; nothing here holds it.\n";
  }
  return StateDir(path);
}

StateDir::Lock::~Lock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

Result<StateDir::Lock> StateDir::LockRuns() const {
  const std::string file = path_ + "/run.lock";
  const int fd = ::open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError("cannot open lock file '" + file + "'");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Unavailable("another zcdp run of this project is in progress (lock " + file +
                               ")");
  }
  return Lock(fd);
}

Status StateDir::WriteLastRun(const RunSummary& summary) const {
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : summary.steps) {
    steps.push_back({{"step", s.name},
                     {"status", RunStatusName(s.status)},
                     {"seconds", static_cast<double>(s.finished_micros - s.started_micros) / 1e6},
                     {"counts", s.counts}});
  }
  const nlohmann::json doc = {{"run_id", summary.run_id},
                              {"status", RunStatusName(summary.status)},
                              {"started_at", FormatTimestamp(summary.started_micros)},
                              {"finished_at", FormatTimestamp(summary.finished_micros)},
                              {"steps", steps}};
  const std::string tmp = path_ + "/last_run.json.tmp";
  {
    std::ofstream out(tmp);
    out << doc.dump(2) << "\n";
    if (!out) return Status::IoError("cannot write '" + tmp + "'");
  }
  std::error_code ec;
  fs::rename(tmp, path_ + "/last_run.json", ec);
  return ec ? Status::IoError("cannot write last_run.json: " + ec.message()) : Status::Ok();
}

}  // namespace zcdp
