#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/common/status.h"

namespace zcdp::synth {

// Identifier types of the ground truth, in the spelling of the demo project's id types.
enum class IdType : uint8_t { kAnonymousId, kCrmId, kEmail, kPhone, kUserId };
std::string_view IdTypeName(IdType t);

// The identifiers one person shows in the data, as raw values. Reused from person to person
// so that steady state allocates nothing. Not thread-safe.
class PersonIds {
 public:
  void Clear() { size_ = 0; }
  void Add(IdType type, std::string_view value);
  // Calls f(type, value) once per distinct (type, value), sorted. Reorders internal state.
  template <typename F>
  void ForEachDistinct(F&& f) {
    SortIndex();
    for (size_t i = 0; i < size_; ++i) {
      const Entry& e = entries_[order_[i]];
      if (i > 0 && SameAs(order_[i - 1], e)) continue;
      f(e.type, std::string_view(e.value));
    }
  }

 private:
  struct Entry {
    IdType type = IdType::kEmail;
    std::string value;
  };
  void SortIndex();
  bool SameAs(uint32_t index, const Entry& e) const {
    return entries_[index].type == e.type && entries_[index].value == e.value;
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> order_;
  size_t size_ = 0;
};

// Appends `value` to `out` as a CSV field, quoted when it holds a comma, quote, line break
// or leading/trailing blank.
void AppendCsvField(std::string_view value, std::string& out);

// One thread's share of truth/persons.csv. Rows are grouped by batch so that the parts can
// be merged in batch order: the merged file is then the same for any thread count.
class TruthPart {
 public:
  struct Segment {
    int64_t batch = 0;
    int64_t offset = 0;
    int64_t size = 0;
  };

  // Creates (truncates) the part file at `path`.
  static Result<std::unique_ptr<TruthPart>> Create(std::string path);
  ~TruthPart();
  TruthPart(const TruthPart&) = delete;
  TruthPart& operator=(const TruthPart&) = delete;

  // Writes one CSV row per distinct identifier of `person`; adds the count to `*rows`.
  Status Write(int64_t batch, int64_t person, PersonIds& ids, int64_t* rows);
  // Flushes and closes the file. REQUIRES: called once, after the last Write.
  Status Finish();

  const std::vector<Segment>& segments() const { return segments_; }
  const std::string& path() const { return path_; }

 private:
  TruthPart(std::string path, FILE* file) : path_(std::move(path)), file_(file) {}
  Status FlushBuffer();

  std::string path_;
  FILE* file_;
  std::string buffer_;
  int64_t flushed_ = 0;
  std::vector<Segment> segments_;
};

// Writes `out_path` (header, then every part's segments in batch order) and deletes the
// parts.
Status MergeTruth(const std::vector<const TruthPart*>& parts, const std::string& out_path);

}  // namespace zcdp::synth
