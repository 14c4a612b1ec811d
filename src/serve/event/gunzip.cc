#include <zlib.h>

#include "zcdp/serve/event.h"

namespace zcdp::serve {

bool LooksGzipped(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

Inflated Gunzip(std::string_view compressed, size_t max_bytes) {
  Inflated out;
  z_stream zs{};
  // 16 + MAX_WBITS: a gzip wrapper (not raw deflate or zlib).
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    return {Inflated::Outcome::kCorrupt, "", "cannot start inflating"};
  }
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  char buffer[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      const bool truncated = rc == Z_BUF_ERROR;
      return {Inflated::Outcome::kCorrupt, "",
              truncated ? "the gzip stream is truncated"
                        : std::string("the gzip stream is corrupt: ") +
                              (zs.msg != nullptr ? zs.msg : "inflate failed")};
    }
    const size_t produced = sizeof(buffer) - zs.avail_out;
    // Checked before appending: memory never holds more than the limit and one buffer.
    if (out.data.size() + produced > max_bytes) {
      inflateEnd(&zs);
      return {Inflated::Outcome::kTooLarge, "",
              "the body inflates to more than " + std::to_string(max_bytes) + " bytes"};
    }
    out.data.append(buffer, produced);
    if (rc == Z_OK && zs.avail_in == 0 && produced == 0) {
      inflateEnd(&zs);
      return {Inflated::Outcome::kCorrupt, "", "the gzip stream is truncated"};
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace zcdp::serve
