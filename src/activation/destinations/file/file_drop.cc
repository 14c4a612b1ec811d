#include "activation/destinations/file/file_drop.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "zcdp/common/digest.h"
#include "zcdp/common/http.h"
#include "zcdp/sql/dialect.h"
#include "zcdp/warehouse/warehouse.h"

#include "activation/payload/json_value.h"

namespace zcdp::activation {
namespace {

namespace fs = std::filesystem;

std::string_view Extension(FileDropDestination::Format f) {
  switch (f) {
    case FileDropDestination::Format::kCsv:
      return ".csv";
    case FileDropDestination::Format::kJsonl:
      return ".jsonl";
    case FileDropDestination::Format::kParquet:
      return ".parquet";
  }
  return "";
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvText(const Batch& batch) {
  std::string out = "record_key,action";
  for (const std::string& f : batch.fields) out += "," + CsvField(f);
  out += "\r\n";
  for (const Record& r : batch.records) {
    out += CsvField(r.key) + "," + std::string(ActionName(r.action));
    for (size_t i = 0; i < batch.fields.size(); ++i) {
      out += ",";
      if (i < r.values.size()) out += CsvField(r.values[i].ToString());
    }
    out += "\r\n";
  }
  return out;
}

std::string JsonlText(const Batch& batch) {
  std::string out;
  for (const Record& r : batch.records) {
    nlohmann::ordered_json j = {{"record_key", r.key}, {"action", ActionName(r.action)}};
    for (size_t i = 0; i < batch.fields.size() && i < r.values.size(); ++i) {
      j[batch.fields[i]] = ValueToJson(r.values[i]);
    }
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

Status IoError(const std::string& what, const std::string& path) {
  return Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

// Writes `data` to `path` and flushes it to disk.
Status WriteDurably(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", path);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return IoError("cannot write", path);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !synced) return IoError("cannot flush", path);
  return Status::Ok();
}

Status SyncFile(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path);
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  return synced ? Status::Ok() : IoError("cannot flush", path);
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read", path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The column type of field `i`: that of its first non-NULL value, TEXT when all are NULL.
SqlType FieldType(const Batch& batch, size_t i) {
  for (const Record& r : batch.records) {
    if (i >= r.values.size() || r.values[i].is_null()) continue;
    switch (r.values[i].storage().index()) {
      case 1:
        return SqlType::kBoolean;
      case 2:
        return SqlType::kBigInt;
      case 3:
        return SqlType::kDouble;
      case 5:
        return SqlType::kTimestamp;
      case 6:
        return SqlType::kDate;
      default:
        return SqlType::kText;
    }
  }
  return SqlType::kText;
}

}  // namespace

FileDropDestination::FileDropDestination(std::string dir, Format format)
    : dir_(std::move(dir)), format_(format) {}

std::string FileDropDestination::PathFor(const Batch& batch) const {
  return dir_ + "/" + batch.destination + "-" + batch.idempotency_key.substr(0, 16) +
         std::string(Extension(format_));
}

Status FileDropDestination::WriteText(const Batch& batch, const std::string& tmp) const {
  return WriteDurably(tmp, format_ == Format::kCsv ? CsvText(batch) : JsonlText(batch));
}

Status FileDropDestination::WriteParquet(const Batch& batch, const std::string& tmp) const {
  WarehouseOptions options;
  options.path = ":memory:";
  options.threads = 1;
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Warehouse> db, OpenWarehouse(options));
  const Dialect& d = db->dialect();
  std::vector<Dialect::ColumnDef> columns = {{"record_key", SqlType::kText},
                                             {"action", SqlType::kText}};
  for (size_t i = 0; i < batch.fields.size(); ++i) {
    columns.push_back({batch.fields[i], FieldType(batch, i)});
  }
  ZCDP_RETURN_IF_ERROR(db->Execute(d.CreateTableIfNotExists("main", "batch", columns, {})));
  {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> a, db->CreateAppender("main", "batch"));
    for (const Record& r : batch.records) {
      ZCDP_RETURN_IF_ERROR(a->AppendText(r.key));
      ZCDP_RETURN_IF_ERROR(a->AppendText(ActionName(r.action)));
      for (size_t i = 0; i < batch.fields.size(); ++i) {
        ZCDP_RETURN_IF_ERROR(i < r.values.size() ? a->Append(r.values[i]) : a->AppendNull());
      }
      ZCDP_RETURN_IF_ERROR(a->EndRow());
    }
    ZCDP_RETURN_IF_ERROR(a->Close());
  }
  ZCDP_RETURN_IF_ERROR(db->Execute("COPY main.batch TO " + d.QuoteString(tmp) +
                                   " (FORMAT parquet, COMPRESSION zstd)"));
  return SyncFile(tmp, O_RDONLY);
}

Result<Delivery> FileDropDestination::Deliver(const Batch& batch) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("cannot create directory " + dir_ + ": " + ec.message());
  const std::string path = PathFor(batch);
  const std::string tmp = dir_ + "/.tmp-" + batch.idempotency_key.substr(0, 16) + "-" +
                          std::to_string(::getpid()) + std::string(Extension(format_));
  Status written = format_ == Format::kParquet ? WriteParquet(batch, tmp) : WriteText(batch, tmp);
  if (!written.ok()) {
    fs::remove(tmp, ec);
    return written;
  }
  ZCDP_ASSIGN_OR_RETURN(std::string bytes, ReadFile(tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status failed = IoError("cannot rename into place", path);
    fs::remove(tmp, ec);
    return failed;
  }
  ZCDP_RETURN_IF_ERROR(SyncFile(dir_, O_RDONLY | O_DIRECTORY));
  Delivery delivery;
  delivery.bytes = static_cast<int64_t>(bytes.size());
  delivery.payload_sha256 = Sha256Hex(bytes);
  return delivery;
}

Result<std::unique_ptr<Destination>> MakeFileDropDestination(const DestinationConfig& dest) {
  if (!dest.path) return Status::Invalid("a file destination needs 'path'");
  const std::string format = dest.format ? dest.format->value : "jsonl";
  const FileDropDestination::Format f = format == "csv" ? FileDropDestination::Format::kCsv
                                        : format == "parquet"
                                            ? FileDropDestination::Format::kParquet
                                            : FileDropDestination::Format::kJsonl;
  return std::unique_ptr<Destination>(std::make_unique<FileDropDestination>(dest.path->value, f));
}

}  // namespace zcdp::activation
