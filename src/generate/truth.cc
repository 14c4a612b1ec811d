#include "generate/truth.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace zcdp::synth {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

Status FileError(const std::string& what, const std::string& path) {
  return Status::IoError(what + " '" + path + "': " + std::strerror(errno));
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return false;
  if (v.front() == ' ' || v.back() == ' ' || v.front() == '\t' || v.back() == '\t') return true;
  return v.find_first_of(",\"\r\n") != std::string_view::npos;
}

// Copies `size` bytes at `offset` of `in` to `out`.
Status CopyRange(FILE* in, int64_t offset, int64_t size, FILE* out, std::string& buf) {
  if (std::fseek(in, offset, SEEK_SET) != 0) return Status::IoError("cannot seek truth part");
  while (size > 0) {
    const size_t n = std::fread(buf.data(), 1, std::min<int64_t>(size, buf.size()), in);
    if (n == 0) return Status::IoError("truth part is shorter than recorded");
    if (std::fwrite(buf.data(), 1, n, out) != n) return Status::IoError("cannot write truth");
    size -= static_cast<int64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string_view IdTypeName(IdType t) {
  switch (t) {
    case IdType::kAnonymousId:
      return "anonymous_id";
    case IdType::kCrmId:
      return "crm_id";
    case IdType::kEmail:
      return "email";
    case IdType::kPhone:
      return "phone";
    case IdType::kUserId:
      return "user_id";
  }
  return "unknown";
}

void PersonIds::Add(IdType type, std::string_view value) {
  if (size_ == entries_.size()) entries_.emplace_back();
  entries_[size_].type = type;
  entries_[size_].value.assign(value);  // reuses the string's capacity
  ++size_;
}

void PersonIds::SortIndex() {
  order_.resize(size_);
  for (size_t i = 0; i < size_; ++i) order_[i] = static_cast<uint32_t>(i);
  std::sort(order_.begin(), order_.end(), [this](uint32_t a, uint32_t b) {
    const Entry& x = entries_[a];
    const Entry& y = entries_[b];
    return x.type != y.type ? x.type < y.type : x.value < y.value;
  });
}

void AppendCsvField(std::string_view value, std::string& out) {
  if (!NeedsQuotes(value)) {
    out.append(value);
    return;
  }
  out.push_back('"');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

Result<std::unique_ptr<TruthPart>> TruthPart::Create(std::string path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return FileError("cannot create", path);
  return std::unique_ptr<TruthPart>(new TruthPart(std::move(path), f));
}

TruthPart::~TruthPart() {
  if (file_ != nullptr) std::fclose(file_);
}

Status TruthPart::Write(int64_t batch, int64_t person, PersonIds& ids, int64_t* rows) {
  if (segments_.empty() || segments_.back().batch != batch) {
    segments_.push_back({batch, flushed_ + static_cast<int64_t>(buffer_.size()), 0});
  }
  const size_t before = buffer_.size();
  const std::string person_text = std::to_string(person);
  ids.ForEachDistinct([&](IdType type, std::string_view value) {
    buffer_.append(IdTypeName(type));
    buffer_.push_back(',');
    AppendCsvField(value, buffer_);
    buffer_.push_back(',');
    buffer_.append(person_text);
    buffer_.push_back('\n');
    ++*rows;
  });
  segments_.back().size += static_cast<int64_t>(buffer_.size() - before);
  return buffer_.size() >= kFlushBytes ? FlushBuffer() : Status::Ok();
}

Status TruthPart::FlushBuffer() {
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return FileError("cannot write", path_);
  }
  flushed_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
  return Status::Ok();
}

Status TruthPart::Finish() {
  ZCDP_RETURN_IF_ERROR(FlushBuffer());
  const int rc = std::fclose(file_);
  file_ = nullptr;
  return rc == 0 ? Status::Ok() : FileError("cannot close", path_);
}

Status MergeTruth(const std::vector<const TruthPart*>& parts, const std::string& out_path) {
  std::vector<std::pair<TruthPart::Segment, size_t>> order;
  for (size_t i = 0; i < parts.size(); ++i) {
    for (const auto& s : parts[i]->segments()) order.emplace_back(s, i);
  }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first.batch < b.first.batch; });
  std::unique_ptr<FILE, int (*)(FILE*)> out(std::fopen(out_path.c_str(), "wb"), &std::fclose);
  if (out == nullptr) return FileError("cannot create", out_path);
  std::fputs("id_type,id_value,person_id\n", out.get());
  std::vector<std::unique_ptr<FILE, int (*)(FILE*)>> in;
  for (const TruthPart* p : parts) {
    in.emplace_back(std::fopen(p->path().c_str(), "rb"), &std::fclose);
    if (in.back() == nullptr) return FileError("cannot read", p->path());
  }
  std::string buf(kFlushBytes, '\0');
  for (const auto& [segment, part] : order) {
    ZCDP_RETURN_IF_ERROR(CopyRange(in[part].get(), segment.offset, segment.size, out.get(), buf));
  }
  if (std::fflush(out.get()) != 0) return FileError("cannot write", out_path);
  std::error_code ec;
  for (const TruthPart* p : parts) std::filesystem::remove(p->path(), ec);
  return Status::Ok();
}

}  // namespace zcdp::synth
