// From a project's warehouse block to the options that open it.
#include <cstdlib>

#include "zcdp/model/project.h"
#include "zcdp/sql/dialect.h"

namespace zcdp {
namespace {

bool IsEnvNameChar(char c, bool first) {
  return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

// A libpq keyword/value pair, the value single-quoted with \ and ' escaped.
std::string ConnPair(std::string_view key, std::string_view value) {
  std::string out = std::string(key) + "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "' ";
}

Result<std::string> PostgresDsn(const WarehouseConfig& c) {
  if (!c.dsn.empty()) return ExpandEnvReferences(c.dsn, "warehouse.dsn");
  static const std::pair<const char*, const char*> kKeys[] = {
      {"host", "host"}, {"port", "port"}, {"user", "user"}, {"database", "dbname"}};
  std::string dsn;
  for (const auto& [option, keyword] : kKeys) {
    if (auto it = c.options.find(option); it != c.options.end())
      dsn += ConnPair(keyword, it->second);
  }
  if (dsn.empty())
    return Status::Invalid("warehouse: PostgreSQL needs 'dsn' (or host, port, user and database)");
  return dsn;
}

}  // namespace

Result<std::string> ExpandEnvReferences(std::string_view text, std::string_view what) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t at = text.find("${", i);
    if (at == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, at - i);
    const size_t end = text.find('}', at);
    const std::string_view name =
        end == std::string_view::npos ? std::string_view() : text.substr(at + 2, end - at - 2);
    bool valid = !name.empty();
    for (size_t k = 0; k < name.size() && valid; ++k) valid = IsEnvNameChar(name[k], k == 0);
    if (!valid) {
      return Status::Invalid(std::string(what) + ": malformed reference at offset " +
                             std::to_string(at) +
                             ", expected ${NAME} with NAME made of A-Z, "
                             "0-9 and '_'");
    }
    const std::string var(name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) {
      return Status::NotFound("environment variable " + var + " is not set; " + std::string(what) +
                              " reads it");
    }
    out += value;
    i = end + 1;
  }
  return out;
}

Result<WarehouseOptions> WarehouseOptionsFor(const WarehouseConfig& config) {
  WarehouseOptions options;
  options.type = config.type;
  options.path = config.path;
  if (auto it = config.options.find("threads"); it != config.options.end()) {
    options.threads = std::atoi(it->second.c_str());
  }
  if (auto it = config.options.find("statement_timeout"); it != config.options.end()) {
    Result<Duration> d = ParseDuration(it->second);
    if (!d.ok()) return Status::Invalid("warehouse.statement_timeout: " + d.status().message());
    options.statement_timeout_ms = d->Millis();
  }
  if (config.type != "postgres") return options;
  if (auto it = config.options.find("schema"); it != config.options.end()) {
    options.search_path = it->second;
  }
  ZCDP_ASSIGN_OR_RETURN(options.dsn, PostgresDsn(config));
  if (config.password) {
    ZCDP_ASSIGN_OR_RETURN(options.password, ResolveSecret(*config.password));
  }
  return options;
}

}  // namespace zcdp
