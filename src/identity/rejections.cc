#include "identity/rejections.h"

namespace zcdp {
namespace {

// What to look at when most values of `t` are rejected.
std::string SettingToCheck(const IdTypeSpec& t) {
  const std::string key = "identity.id_types." + t.name;
  std::string out;
  if (t.rule == NormalizeRule::kPhoneE164) {
    out = key + ".default_region (" + t.region +
          "): numbers in another country's national format do not parse under it";
  } else if (t.rule == NormalizeRule::kEmail) {
    out = "the columns mapped to " + t.name + " in sources: they should hold email addresses";
  }
  if (!t.validity.empty()) out += (out.empty() ? "" : ", and ") + key + ".regex";
  if (out.empty()) out = "the columns mapped to " + t.name + " in sources";
  return out;
}

const IdTypeSpec* FindType(const std::vector<IdTypeSpec>& types, const std::string& name) {
  for (const auto& t : types) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<TypeRejections>> ReadRejections(Warehouse& wh, const IdentitySql& q) {
  ZCDP_ASSIGN_OR_RETURN(QueryResult r, wh.Query(q.RejectionCounts()));
  std::vector<TypeRejections> out;
  for (size_t i = 0; i < r.rows.size(); ++i) {
    TypeRejections& t = out.emplace_back();
    ZCDP_ASSIGN_OR_RETURN(Value type, r.At(i, "id_type"));
    ZCDP_ASSIGN_OR_RETURN(Value observed, r.At(i, "observed"));
    ZCDP_ASSIGN_OR_RETURN(Value rejected, r.At(i, "rejected"));
    t.id_type = type.ToString();
    ZCDP_ASSIGN_OR_RETURN(t.observed, observed.AsInt("an observed count"));
    ZCDP_ASSIGN_OR_RETURN(t.rejected, rejected.AsInt("a rejected count"));
  }
  return out;
}

std::vector<std::string> RejectionWarnings(const std::vector<TypeRejections>& counts,
                                           const std::vector<IdTypeSpec>& types) {
  std::vector<std::string> out;
  for (const auto& c : counts) {
    const IdTypeSpec* t = FindType(types, c.id_type);
    if (t == nullptr || c.observed == 0 || c.rejected * 2 <= c.observed) continue;
    out.push_back("identity: " + std::to_string(c.rejected) + " of " + std::to_string(c.observed) +
                  " " + c.id_type + " values (" + std::to_string(c.rejected * 100 / c.observed) +
                  "%) were rejected as invalid and link nothing; check " + SettingToCheck(*t));
  }
  return out;
}

}  // namespace zcdp
