// A borrowed string member cannot be made from a temporary std::string.
#include <optional>
#include <pswire/core/lifetime.hpp>

struct message {
  std::optional<pswire::borrowed_text> text;
};

int main() {
  const std::string kept = "kept";
  message m{kept};
#ifdef PSWIRE_MISUSE
  m.text = std::string("gone at the semicolon");
#endif
  return m.text->size() == 4 ? 0 : 1;
}
