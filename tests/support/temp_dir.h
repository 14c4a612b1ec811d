#pragma once

// A fresh directory under the system's temporary directory, removed with the object.

#include <filesystem>
#include <string>

#include <stdlib.h>

namespace zcdp::testing {

class TempDir {
 public:
  // `prefix` names the directory ("zcdp-agree" gives /tmp/zcdp-agree-XXXXXX).
  explicit TempDir(const std::string& prefix) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // The path of `name` inside the directory.
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace zcdp::testing
