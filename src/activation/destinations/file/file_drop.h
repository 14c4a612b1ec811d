#pragma once

#include <string>

#include "zcdp/activation/destination.h"
#include "zcdp/model/project.h"

namespace zcdp::activation {

// Drops each batch as one file in a directory: CSV (RFC 4180, a header row), JSONL (one
// object per record) or Parquet. A file appears whole or not at all: it is written under a
// temporary name, flushed to disk, then renamed. Its name comes from the batch's idempotency
// key, so a batch sent again after a crash replaces its own file instead of adding a copy.
// Columns: record_key, action, then the batch's fields.
class FileDropDestination final : public Destination {
 public:
  enum class Format { kCsv, kJsonl, kParquet };
  // REQUIRES: `dir` is an absolute path. It is created on the first batch if missing.
  FileDropDestination(std::string dir, Format format);

  Result<Delivery> Deliver(const Batch& batch) override;

  // The file a batch is written to.
  std::string PathFor(const Batch& batch) const;

 private:
  Status WriteText(const Batch& batch, const std::string& tmp) const;
  Status WriteParquet(const Batch& batch, const std::string& tmp) const;

  std::string dir_;
  Format format_;
};

// The file drop a `type: file` destination describes (path, format; jsonl by default).
Result<std::unique_ptr<Destination>> MakeFileDropDestination(const DestinationConfig& dest);

}  // namespace zcdp::activation
