#include "zcdp/serve/spool.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace zcdp::serve {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "ZCDPSPL1";  // the first bytes of every segment
constexpr size_t kFrame = 8;                     // u32 length, u32 CRC-32
constexpr uint32_t kMaxRecord = 64U << 20;       // a length beyond it is a torn frame

uint32_t ReadU32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read spool segment " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Status SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return Status::IoError(Errno("cannot open spool directory " + dir));
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IoError(Errno("cannot sync spool directory " + dir));
}

// The length of the prefix of `data` made of the magic and whole records whose CRC holds;
// counts those records.
size_t ValidPrefix(std::string_view data, int64_t* records) {
  if (data.substr(0, kMagic.size()) != kMagic) return 0;
  size_t at = kMagic.size();
  while (data.size() - at >= kFrame) {
    const uint32_t length = ReadU32(data.data() + at);
    const uint32_t crc = ReadU32(data.data() + at + 4);
    if (length > kMaxRecord || data.size() - at - kFrame < length) break;
    if (Crc32(data.substr(at + kFrame, length)) != crc) break;
    at += kFrame + length;
    ++*records;
  }
  return at;
}

// The segment number of a file name "<16 digits>.seg", or -1.
int64_t SegmentNumber(const std::string& name) {
  if (name.size() != 20 || name.substr(16) != ".seg") return -1;
  int64_t n = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (name[i] < '0' || name[i] > '9') return -1;
    n = n * 10 + (name[i] - '0');
  }
  return n;
}

}  // namespace

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

Spool::Spool(SpoolOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<Spool>> Spool::Open(const SpoolOptions& options, SpoolRecovery* recovery) {
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec)
    return Status::IoError("cannot create spool directory " + options.dir + ": " + ec.message());
  std::unique_ptr<Spool> spool(new Spool(options));
  SpoolRecovery ignored;
  ZCDP_RETURN_IF_ERROR(spool->Recover(recovery != nullptr ? recovery : &ignored));
  spool->writer_ = std::thread([s = spool.get()] { s->WriterLoop(); });
  return spool;
}

Spool::~Spool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  if (fd_ >= 0) ::close(fd_);
}

std::string Spool::SegmentPath(int64_t n) const {
  char name[32];
  std::snprintf(name, sizeof(name), "%016lld.seg", static_cast<long long>(n));
  return options_.dir + "/" + name;
}

Status Spool::Recover(SpoolRecovery* recovery) {
  std::vector<int64_t> found;
  for (const auto& entry : fs::directory_iterator(options_.dir)) {
    const int64_t n = SegmentNumber(entry.path().filename().string());
    if (n >= 0) found.push_back(n);
  }
  std::sort(found.begin(), found.end());
  for (int64_t n : found) {
    const std::string path = SegmentPath(n);
    ZCDP_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
    int64_t records = 0;
    const size_t valid = ValidPrefix(data, &records);
    if (records == 0) {  // nothing whole in it: a segment created just before a crash
      fs::remove(path);
      recovery->torn_bytes += static_cast<int64_t>(data.size());
      continue;
    }
    if (valid < data.size()) {
      // A torn tail: the records after the last whole one were never acknowledged.
      if (::truncate(path.c_str(), static_cast<off_t>(valid)) != 0) {
        return Status::IoError(Errno("cannot cut the torn tail of " + path));
      }
      recovery->torn_bytes += static_cast<int64_t>(data.size() - valid);
    }
    sealed_.push_back(n);
    total_bytes_ += static_cast<int64_t>(valid);
    recovery->segments += 1;
    recovery->records += records;
  }
  current_ = found.empty() ? 1 : found.back() + 1;
  return SyncDir(options_.dir);
}

Status Spool::OpenSegment(int64_t n) {
  const std::string path = SegmentPath(n);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) return Status::IoError(Errno("cannot create spool segment " + path));
  if (::write(fd_, kMagic.data(), kMagic.size()) != static_cast<ssize_t>(kMagic.size())) {
    return Status::IoError(Errno("cannot write spool segment " + path));
  }
  current_bytes_ = static_cast<int64_t>(kMagic.size());
  total_bytes_ += current_bytes_;
  return options_.fsync ? SyncDir(options_.dir) : Status::Ok();
}

Status Spool::Append(const std::vector<std::string>& records) {
  Pending pending;
  for (const auto& r : records) {
    PutU32(pending.bytes, static_cast<uint32_t>(r.size()));
    PutU32(pending.bytes, Crc32(r));
    pending.bytes += r;
  }
  if (pending.bytes.empty()) return Status::Ok();
  const auto size = static_cast<int64_t>(pending.bytes.size());
  std::unique_lock<std::mutex> lock(mu_);
  if (!broken_.ok()) return broken_;
  if (total_bytes_ + reserved_bytes_ + size > options_.max_bytes) {
    return Status::Unavailable("the spool is full (" + std::to_string(total_bytes_) +
                               " bytes on disk, limit " + std::to_string(options_.max_bytes) +
                               "); the loader has not caught up");
  }
  reserved_bytes_ += size;
  queue_.push_back(&pending);
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return pending.done; });
  return pending.status;
}

void Spool::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::vector<Pending*> batch(queue_.begin(), queue_.end());
    queue_.clear();
    Status status = broken_;
    if (status.ok() && fd_ < 0) status = OpenSegment(current_);
    writing_ = true;
    const int fd = fd_;
    lock.unlock();
    // One write and one sync for every request that waited: the group commit.
    std::string bytes;
    for (const Pending* p : batch) bytes += p->bytes;
    if (status.ok()) {
      size_t at = 0;
      while (at < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + at, bytes.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          status = Status::IoError(Errno("cannot write the spool"));
          break;
        }
        at += static_cast<size_t>(n);
      }
    }
    if (status.ok() && options_.fsync && ::fdatasync(fd) != 0) {
      status = Status::IoError(Errno("cannot sync the spool"));
    }
    lock.lock();
    writing_ = false;
    const auto size = static_cast<int64_t>(bytes.size());
    reserved_bytes_ -= size;
    if (status.ok()) {
      current_bytes_ += size;
      total_bytes_ += size;
    } else {
      broken_ = status;  // the file's tail is unknown now: refuse rather than guess
    }
    for (Pending* p : batch) {
      p->status = status;
      p->done = true;
    }
    done_cv_.notify_all();
    if (status.ok() && current_bytes_ >= options_.segment_bytes) {
      ::close(fd_);
      fd_ = -1;
      sealed_.push_back(current_++);
    }
  }
}

Result<std::vector<int64_t>> Spool::Rotate() {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return !writing_; });
  if (fd_ >= 0 && current_bytes_ > static_cast<int64_t>(kMagic.size())) {
    ::close(fd_);
    fd_ = -1;
    sealed_.push_back(current_++);
  }
  return sealed_;
}

Status Spool::ForEachRecord(int64_t segment, const std::function<Status(std::string_view)>& fn) {
  const std::string path = SegmentPath(segment);
  ZCDP_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  int64_t records = 0;
  const size_t valid = ValidPrefix(data, &records);
  if (valid != data.size()) {
    return Status::IoError("spool segment " + path + " is corrupt at byte " +
                           std::to_string(valid));
  }
  size_t at = kMagic.size();
  while (at < data.size()) {
    const uint32_t length = ReadU32(data.data() + at);
    ZCDP_RETURN_IF_ERROR(fn(std::string_view(data).substr(at + kFrame, length)));
    at += kFrame + length;
  }
  return Status::Ok();
}

Status Spool::DeleteThrough(int64_t through) {
  std::vector<int64_t> doomed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto end = std::upper_bound(sealed_.begin(), sealed_.end(), through);
    doomed.assign(sealed_.begin(), end);
    sealed_.erase(sealed_.begin(), end);
  }
  for (int64_t n : doomed) {
    const std::string path = SegmentPath(n);
    std::error_code ec;
    const auto size = static_cast<int64_t>(fs::file_size(path, ec));
    if (!fs::remove(path, ec) && ec) {
      return Status::IoError("cannot delete spool segment " + path + ": " + ec.message());
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (size > 0) total_bytes_ -= size;
  }
  return SyncDir(options_.dir);
}

int64_t Spool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return total_bytes_;
}

}  // namespace zcdp::serve
