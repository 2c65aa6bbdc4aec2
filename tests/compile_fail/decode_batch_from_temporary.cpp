// A batch's entries view its input: decoding a temporary std::string would
// leave them dangling at the semicolon, so that overload is deleted.
#include <string>
#include <pswire/batch.hpp>

int main() {
  pswire::batch_decoder decoder;
  const std::string body = R"({"transactions":[{"crud":[]}]})";
  auto batch = decoder.decode_batch(body);
#ifdef PSWIRE_MISUSE
  batch = decoder.decode_batch(std::string(body));
#endif
  return batch ? 0 : 1;
}
