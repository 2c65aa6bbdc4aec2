#include <pswire/pswire.hpp>

#include <cstdio>

int main() {
  pswire::crud_decoder decoder;
  auto entry = decoder.decode(R"({"op":"PUT","id":"1","type":"todos","data":{"a":1}})", pswire::crud_dialect::ps_crud);
  if (!entry) return 1;
  std::string out;
  pswire::json_writer w{pswire::string_sink(out)};
  pswire::write_crud_entry(w, *entry, pswire::crud_dialect::upload);
  std::puts(out.c_str());
  return out == R"({"op":"PUT","table":"todos","id":"1","op_data":{"a":1}})" ? 0 : 1;
}
