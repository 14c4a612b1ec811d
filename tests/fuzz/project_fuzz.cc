// libFuzzer target for the project-file loader: any bytes must give a Project or diagnostics,
// never a crash, a hang or an escaped exception.
//   clang++ -fsanitize=fuzzer,address ... tests/fuzz/project_fuzz.cc -lzcdp_model ...

#include <cstddef>
#include <cstdint>
#include <string>

#include "zcdp/model/diagnostic.h"
#include "zcdp/model/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zcdp::Diagnostics diags("fuzz.yaml");
  std::optional<zcdp::Project> project = zcdp::ParseProject(text, "fuzz.yaml", "/fuzz", diags);
  // The loader's contract: nullopt only together with an error saying why.
  if (!project && !diags.has_errors()) __builtin_trap();
  for (const auto& d : diags.all()) {
    if (d.message.empty()) __builtin_trap();
  }
  return 0;
}
