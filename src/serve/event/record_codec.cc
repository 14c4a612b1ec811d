// The spool's record of an event: fields in a fixed order, each a little-endian u32 length
// (0xffffffff for a missing value) and its bytes; instants as 8 little-endian bytes.

#include <cstring>

#include "zcdp/serve/event.h"

namespace zcdp::serve {
namespace {

constexpr uint32_t kMissing = 0xffffffffU;
constexpr uint8_t kVersion = 1;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}
void PutText(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    PutU32(out, kMissing);
    return;
  }
  PutU32(out, static_cast<uint32_t>(v->size()));
  out += *v;
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  bool done() const { return at_ == bytes_.size(); }

  uint64_t Fixed(int width) {
    if (bytes_.size() - at_ < static_cast<size_t>(width)) {
      ok_ = false;
      return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes_[at_ + i])) << (8 * i);
    }
    at_ += width;
    return v;
  }
  std::optional<std::string> Text() {
    const auto n = static_cast<uint32_t>(Fixed(4));
    if (!ok_ || n == kMissing) return std::nullopt;
    if (bytes_.size() - at_ < n) {
      ok_ = false;
      return std::nullopt;
    }
    std::string out(bytes_.substr(at_, n));
    at_ += n;
    return out;
  }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string EncodeEvent(const CollectedEvent& e) {
  std::string out;
  out.reserve(64 + e.message_id.size() + e.context.value_or("").size() +
              e.properties.value_or("").size() + e.traits.value_or("").size());
  out.push_back(static_cast<char>(kVersion));
  for (const auto* text : {&e.source, &e.message_id, &e.type}) PutText(out, *text);
  for (const auto* text : {&e.event, &e.user_id, &e.anonymous_id}) PutText(out, *text);
  PutI64(out, e.timestamp);
  PutI64(out, e.received_at);
  out.push_back(e.sent_at ? 1 : 0);
  PutI64(out, e.sent_at.value_or(0));
  for (const auto* text : {&e.context, &e.properties, &e.traits}) PutText(out, *text);
  return out;
}

Result<CollectedEvent> DecodeEvent(std::string_view bytes) {
  Reader r(bytes);
  if (r.Fixed(1) != kVersion) return Status::IoError("spool record: unknown version");
  CollectedEvent e;
  for (auto* text : {&e.source, &e.message_id, &e.type}) {
    auto v = r.Text();
    if (!v) return Status::IoError("spool record: a required field is missing");
    *text = std::move(*v);
  }
  for (auto* text : {&e.event, &e.user_id, &e.anonymous_id}) *text = r.Text();
  e.timestamp = static_cast<int64_t>(r.Fixed(8));
  e.received_at = static_cast<int64_t>(r.Fixed(8));
  const bool has_sent = r.Fixed(1) == 1;
  const auto sent = static_cast<int64_t>(r.Fixed(8));
  if (has_sent) e.sent_at = sent;
  for (auto* text : {&e.context, &e.properties, &e.traits}) *text = r.Text();
  if (!r.ok() || !r.done()) return Status::IoError("spool record: malformed");
  return e;
}

}  // namespace zcdp::serve
