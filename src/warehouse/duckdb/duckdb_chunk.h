#pragma once

#include <vector>

#include <duckdb.h>

#include "zcdp/warehouse/warehouse.h"

namespace zcdp {

// Maps a DuckDB logical type to zcdp's ColumnKind and the engine's type spelling.
ColumnInfo DuckDbColumnInfo(const char* name, duckdb_logical_type type);

// A Chunk over one duckdb_data_chunk, read in place. Owns the chunk.
class DuckDbChunk final : public Chunk {
 public:
  explicit DuckDbChunk(duckdb_data_chunk chunk);
  ~DuckDbChunk() override;
  DuckDbChunk(const DuckDbChunk&) = delete;
  DuckDbChunk& operator=(const DuckDbChunk&) = delete;

  size_t row_count() const override { return rows_; }
  size_t column_count() const override { return columns_.size(); }
  bool IsNull(size_t column, size_t row) const override;
  int64_t GetInt(size_t column, size_t row) const override;
  double GetDouble(size_t column, size_t row) const override;
  std::string_view GetText(size_t column, size_t row) const override;
  Value Get(size_t column, size_t row) const override;
  void WriteJson(size_t column, size_t row, JsonCellWriter& out) const override;

 private:
  struct Column {
    duckdb_type type = DUCKDB_TYPE_INVALID;
    duckdb_type decimal_storage = DUCKDB_TYPE_INVALID;
    uint8_t decimal_scale = 0;
    void* data = nullptr;
    uint64_t* validity = nullptr;
    duckdb_vector vector = nullptr;
    duckdb_logical_type logical = nullptr;  // owned; destroyed with the chunk
  };
  double DecimalAt(const Column& c, size_t row) const;

  duckdb_data_chunk chunk_;
  size_t rows_;
  std::vector<Column> columns_;
};

}  // namespace zcdp
