#include "identity/phones.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zcdp/identity/normalize.h"

namespace zcdp {
namespace {

// Text values held in one buffer: a phone is a few bytes, and a std::string each would
// take several times the memory.
class TextList {
 public:
  void Add(std::string_view v) {
    bytes_.append(v);
    ends_.push_back(bytes_.size());
  }
  size_t size() const { return ends_.size(); }
  // REQUIRES: i < size(). The view lives as long as the list is not added to.
  std::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(bytes_).substr(begin, ends_[i] - begin);
  }

 private:
  std::string bytes_;
  std::vector<size_t> ends_;
};

// Reads every new raw value before anything is written: a write on the same connection ends
// an open DuckDB stream (the appender's first flush, at 204,800 rows, once cut this list
// short and left every later phone unparsed; see DuckDbConnectionState).
Result<TextList> ReadNewPhones(Warehouse& wh, const IdentitySql& q, const IdTypeSpec& type) {
  TextList out;
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<QueryStream> stream, wh.Stream(q.PhonesToNormalize(type)));
  while (true) {
    ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Chunk> chunk, stream->Next());
    if (chunk == nullptr) return out;
    for (size_t r = 0; r < chunk->row_count(); ++r) {
      if (!chunk->IsNull(0, r)) out.Add(chunk->GetText(0, r));
    }
  }
}

}  // namespace

Result<int64_t> NormalizePhones(Warehouse& wh, const IdentitySql& q, const IdTypeSpec& type) {
  ZCDP_ASSIGN_OR_RETURN(
      IdentifierNormalizer norm,
      IdentifierNormalizer::Create(NormalizeRule::kPhoneE164, type.region, std::nullopt, {}));
  ZCDP_ASSIGN_OR_RETURN(const TextList raws, ReadNewPhones(wh, q, type));
  ZCDP_ASSIGN_OR_RETURN(std::unique_ptr<Appender> app,
                        wh.CreateAppender(q.schema(), "identity_phone_map"));
  for (size_t i = 0; i < raws.size(); ++i) {
    const std::string_view raw = raws[i];
    const auto result = norm.Normalize(raw);
    ZCDP_RETURN_IF_ERROR(app->AppendText(raw));
    ZCDP_RETURN_IF_ERROR(app->AppendText(type.region));
    const auto* value = std::get_if<std::string>(&result);
    ZCDP_RETURN_IF_ERROR(value ? app->AppendText(*value) : app->AppendNull());
    ZCDP_RETURN_IF_ERROR(app->EndRow());
  }
  ZCDP_RETURN_IF_ERROR(app->Close());
  return static_cast<int64_t>(raws.size());
}

}  // namespace zcdp
