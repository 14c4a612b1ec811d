#include "zcdp/common/file_format.h"

#include <cctype>
#include <string>

namespace zcdp {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Result<FileFormat> FileFormatOfPath(std::string_view path) {
  std::string_view p = path;
  if (EndsWith(p, ".gz")) p.remove_suffix(3);
  if (EndsWith(p, ".parquet")) return FileFormat::kParquet;
  if (EndsWith(p, ".csv") || EndsWith(p, ".tsv")) return FileFormat::kCsv;
  if (EndsWith(p, ".json") || EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson")) {
    return FileFormat::kJson;
  }
  return Status::NotFound("'" + std::string(path) + "' has no known file extension");
}

}  // namespace zcdp
