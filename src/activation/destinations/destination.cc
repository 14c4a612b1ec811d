#include "zcdp/activation/destination.h"

namespace zcdp::activation {

std::string_view ActionName(Action action) {
  return action == Action::kRemove ? "remove" : "upsert";
}

}  // namespace zcdp::activation
