// A transaction's entries view its input: a temporary std::string is refused.
#include <string>
#include <pswire/batch.hpp>

int main() {
  pswire::batch_decoder decoder;
  const std::string body = R"({"crud":[]})";
  auto tx = decoder.decode_transaction(body);
#ifdef PSWIRE_MISUSE
  tx = decoder.decode_transaction(std::string(body));
#endif
  return tx ? 0 : 1;
}
