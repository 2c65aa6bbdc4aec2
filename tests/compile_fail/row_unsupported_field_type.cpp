// A field type pswire cannot read or write gives one static_assert naming the
// row, the field's index and name, and its type
// (pswire::detail::row_field_type_not_supported<app::order, 1, "lines", std::vector<int>>).
#include <vector>
#include <pswire/pswire.hpp>

namespace app {
struct order {
  std::string id;
#ifdef PSWIRE_MISUSE
  std::vector<int> lines;
#else
  pswire::raw_value lines;  // any JSON, as text
#endif
};
PSWIRE_ROW(order, id, lines)
}  // namespace app

int main() {
  auto data = pswire::raw_object::parse(R"({"id":"o1","lines":[1,2]})");
  auto row = pswire::read_row<app::order>(*data);
  return row && row->id == "o1" ? 0 : 1;
}
