#pragma once

#include <string>
#include <string_view>

// Byte-level text helpers of the audience front end: UTF-8 checks and quoting user text
// inside error messages.
namespace zcdp::expr::detail {

// The length of the well-formed UTF-8 sequence starting at text[i] (1 for ASCII), or 0 when
// the bytes there are not UTF-8 (overlong forms and surrogates included). REQUIRES: i < size.
size_t Utf8SequenceLength(std::string_view text, size_t i);

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text);

// At most the first 64 bytes of `text`, cut at a character boundary, with "..." when cut.
std::string ShortText(std::string_view text);

// `text` in single quotes for a message: shortened, control characters and bytes that are
// not UTF-8 written as \xNN, so that messages are always valid UTF-8.
std::string QuoteForMessage(std::string_view text);

}  // namespace zcdp::expr::detail
