// Plain-text tables and field lists for ccsctl's human output.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace ccs::cli {

// Columns left-aligned to their widest cell (header included), separated by
// two spaces, no trailing blanks. Widths count bytes: cells are ASCII.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Adds a row; missing cells print empty, extra cells are an error
  // (std::invalid_argument).
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  void Print(std::ostream& out) const;
  std::string ToString() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "Key:  value" lines, values aligned after the longest key.
void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace ccs::cli
