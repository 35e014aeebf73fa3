#include "client/cli/table.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace ccs::cli {
namespace {

constexpr size_t kColumnGap = 2;

void PrintLine(std::ostream& out, const std::vector<std::string>& cells,
               const std::vector<size_t>& widths) {
  std::string line;
  for (size_t i = 0; i < widths.size(); ++i) {
    const std::string& cell = i < cells.size() ? cells[i] : std::string();
    line += cell;
    if (i + 1 < widths.size()) line.append(widths[i] - cell.size() + kColumnGap, ' ');
  }
  line.erase(line.find_last_not_of(' ') + 1);
  out << line << '\n';
}

}  // namespace

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::AddRow(std::vector<std::string> cells) {
  if (cells.size() > headers_.size()) {
    throw std::invalid_argument("table row has " + std::to_string(cells.size()) +
                                " cells for " + std::to_string(headers_.size()) +
                                " columns");
  }
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths;
  for (const auto& h : headers_) widths.push_back(h.size());
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  }
  PrintLine(out, headers_, widths);
  for (const auto& row : rows_) PrintLine(out, row, widths);
}

std::string Table::ToString() const {
  std::ostringstream out;
  Print(out);
  return out.str();
}

void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) width = std::max(width, key.size() + 1);
  for (const auto& [key, value] : fields) {
    std::string line = key + ":";
    line.append(width - line.size() + kColumnGap, ' ');
    line += value;
    line.erase(line.find_last_not_of(' ') + 1);
    out << line << '\n';
  }
}

}  // namespace ccs::cli
