// decode_ps_crud takes its input third: a temporary there is refused too.
#include <string>
#include <pswire/crud.hpp>

int main() {
  pswire::crud_decoder decoder;
  const std::string data = R"({"op":"PUT","id":"a","type":"t","data":{"n":1}})";
  auto entry = decoder.decode_ps_crud(1, 1, data);
#ifdef PSWIRE_MISUSE
  entry = decoder.decode_ps_crud(1, 1, std::string(data));
#endif
  return entry ? 0 : 1;
}
