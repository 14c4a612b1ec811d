#include "identity/exec.h"

#include <chrono>
#include <cstdlib>

#include "zcdp/common/log.h"

namespace zcdp {

Status ExecAll(Warehouse& wh, const std::vector<std::string>& statements) {
  for (const auto& sql : statements) {
    const auto start = std::chrono::steady_clock::now();
    ZCDP_RETURN_IF_ERROR(wh.Execute(sql));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    LogDebug("identity: " + std::to_string(took.count()) +
             "s: " + sql.substr(0, std::getenv("ZCDP_LOG_FULL_SQL") ? std::string::npos : 90));
  }
  return Status::Ok();
}

}  // namespace zcdp
