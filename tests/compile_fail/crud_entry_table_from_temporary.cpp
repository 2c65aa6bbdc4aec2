// An entry a client fills in borrows its strings: a temporary is refused.
#include <string>
#include <pswire/crud.hpp>

int main() {
  const std::string table = "todos";
  pswire::crud_entry<> entry;
  entry.table = table;
  entry.id = "1";
#ifdef PSWIRE_MISUSE
  entry.table = std::string("gone at the semicolon");
#endif
  return entry.table.size() == 5 ? 0 : 1;
}
