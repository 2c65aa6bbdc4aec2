// decode<Row> with Row given explicitly still refuses a temporary input: the
// entry's raw views (old, and a DELETE's data) point into it.
#include <optional>
#include <string>
#include <pswire/crud.hpp>

struct todo {
  std::optional<std::string> description;
};
PSWIRE_ROW(todo, description)

int main() {
  pswire::crud_decoder decoder;
  const std::string json = R"({"op":"PUT","id":"1","type":"todos","data":{"description":"Milk"}})";
  auto entry = decoder.decode<todo>(json, pswire::crud_dialect::ps_crud);
#ifdef PSWIRE_MISUSE
  entry = decoder.decode<todo>(std::string(json), pswire::crud_dialect::ps_crud);
#endif
  return entry ? 0 : 1;
}
