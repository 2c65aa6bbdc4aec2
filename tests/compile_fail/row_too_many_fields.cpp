// PSWIRE_ROW takes at most 16 fields: a 17th gives one static_assert naming
// the type and the count (pswire::detail::row_has_too_many_fields<app::wide, 17>).
#include <pswire/pswire.hpp>

namespace app {
struct wide {
  int f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17;
};
#ifdef PSWIRE_MISUSE
PSWIRE_ROW(wide, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17)
#else
PSWIRE_ROW(wide, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16)
#endif
}  // namespace app

int main() {
  auto data = pswire::raw_object::parse(R"({"f1":1})");
  auto row = pswire::read_row<app::wide>(*data);
  return row ? 1 : 0;  // the other fields are missing
}
