#include <cstdlib>

#include "zcdp/common/suggest.h"
#include "zcdp/model/validate.h"

#include "model/parse_internal.h"

namespace zcdp {
namespace model_detail {
namespace {

// True for "${NAME}" with NAME matching [A-Z_][A-Z0-9_]*; sets `name`.
bool ParseEnvReference(std::string_view text, std::string& name) {
  if (text.size() < 4 || text.substr(0, 2) != "${" || text.back() != '}') return false;
  std::string_view inner = text.substr(2, text.size() - 3);
  if (inner.empty() || (inner[0] >= '0' && inner[0] <= '9')) return false;
  for (char c : inner) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  name = std::string(inner);
  return true;
}

}  // namespace

std::optional<SecretRef> ParseSecret(const Fields& f, std::string_view key, YamlReader& r) {
  const Entry* e = f.Find(key);
  if (e == nullptr) return std::nullopt;
  return ParseSecretValue(e->value, e->pos, f.context, e->key, r);
}

std::optional<SecretRef> ParseSecretValue(const YAML::Node& node, SourcePos pos,
                                          const std::string& context, const std::string& what,
                                          YamlReader& r) {
  std::string name;
  if (!node.IsScalar() || !ParseEnvReference(node.Scalar(), name)) {
    // The value is deliberately not quoted: it may be the secret itself.
    r.Error(pos, context,
            what +
                ": write secrets as ${ENV_VAR} references; zcdp never stores secret values "
                "(expected \"${NAME}\" with NAME made of A-Z, 0-9 and '_')");
    return std::nullopt;
  }
  return SecretRef{name, pos};
}

}  // namespace model_detail

Result<std::string> ResolveSecret(const SecretRef& secret) {
  if (secret.env_var.empty()) return Status::Invalid("no secret reference given");
  const char* value = std::getenv(secret.env_var.c_str());
  if (value == nullptr) {
    return Status::NotFound("environment variable " + secret.env_var +
                            " is not set; the project file (line " +
                            std::to_string(secret.pos.line) + ") reads a secret from it");
  }
  return std::string(value);
}

void CheckSecretsSet(const std::vector<DestinationConfig>& destinations, Diagnostics& diags) {
  for (const auto& dest : destinations) {
    if (!dest.secret || dest.secret->env_var.empty()) continue;
    if (std::getenv(dest.secret->env_var.c_str()) != nullptr) continue;
    diags.Error(dest.secret->pos, "destination " + Quote(dest.name.value) +
                                      ": secret: environment variable " + dest.secret->env_var +
                                      " is not set; expected it to hold the key each request "
                                      "is signed with (set it before syncing)");
  }
}

}  // namespace zcdp
