// A typed row needs PSWIRE_ROW: without it there is one static_assert,
// naming the type (pswire::detail::row_type_has_no_PSWIRE_ROW<undescribed>).
#include <pswire/pswire.hpp>

namespace app {
struct described { int id = 0; };
PSWIRE_ROW(described, id)
struct undescribed { int id = 0; };
}  // namespace app

int main() {
  auto data = pswire::raw_object::parse(R"({"id":1})");
  auto row = pswire::read_row<app::described>(*data);
#ifdef PSWIRE_MISUSE
  auto wrong = pswire::read_row<app::undescribed>(*data);
  (void)wrong.has_value();
#endif
  return row && row->id == 1 ? 0 : 1;
}
