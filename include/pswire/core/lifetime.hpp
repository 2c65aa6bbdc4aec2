// pswire core: what a view may not outlive. Decoders hand out views into
// their input, and the message types a caller fills in (results, entries,
// checkpoint bodies) only borrow their text. Both are made to refuse a
// temporary std::string at compile time, the one mistake that always dangles:
//   - decoders delete their overload for an owning temporary, as simdjson
//     does for parser::iterate (see PSWIRE_DELETE_TEMPORARY_INPUT);
//   - borrowed string members are pswire::borrowed_text, which cannot be made
//     from a std::string rvalue;
//   - view-returning functions carry PSWIRE_LIFETIMEBOUND, so clang warns
//     about the cases a deleted overload cannot see (a temporary string_view
//     source, a decoder that is itself a temporary).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include <simdjson.h>

#if defined(__has_cpp_attribute)
#if __has_cpp_attribute(clang::lifetimebound)
#define PSWIRE_LIFETIMEBOUND [[clang::lifetimebound]]
#endif
#endif
#ifndef PSWIRE_LIFETIMEBOUND
#define PSWIRE_LIFETIMEBOUND
#endif
// A view type for clang's lifetime analysis: what it points to, not the view
// object itself, is what a PSWIRE_LIFETIMEBOUND result refers to.
#if defined(__clang__)
#define PSWIRE_GSL_POINTER [[gsl::Pointer]]
#else
#define PSWIRE_GSL_POINTER
#endif

namespace pswire {

// A buffer that owns its bytes and is about to be destroyed: a view of it
// would dangle at the end of the full expression. Deduce with a forwarding
// reference (`S&&`): an lvalue deduces S as a reference and does not match.
template <class S>
concept owning_temporary = !std::is_reference_v<S> && (std::is_same_v<std::remove_cv_t<S>, std::string> ||
                                                       std::is_same_v<std::remove_cv_t<S>, simdjson::padded_string>);

// Text a message borrows: a std::string_view in every respect, except that it
// cannot be made from a temporary std::string (the deleted constructor wins
// overload resolution, and std::optional<borrowed_text> refuses it too).
class borrowed_text : public std::string_view {
 public:
  constexpr borrowed_text() noexcept = default;
  constexpr borrowed_text(const char* text) noexcept : std::string_view(text) {}  // NOLINT: implicit like string_view
  constexpr borrowed_text(const char* text, std::size_t size) noexcept : std::string_view(text, size) {}
  constexpr borrowed_text(std::string_view text) noexcept : std::string_view(text) {}  // NOLINT: implicit by design
  borrowed_text(const std::string& text PSWIRE_LIFETIMEBOUND) noexcept : std::string_view(text) {}  // NOLINT: implicit by design
  borrowed_text(std::string&&) = delete;
  borrowed_text(const std::string&&) = delete;
};

}  // namespace pswire

// Declares the deleted overload of a decoding member function for an owning
// temporary input, e.g. PSWIRE_DELETE_TEMPORARY_INPUT(decode_batch): then
// `decoder.decode_batch(std::string(...))` does not compile, while lvalues,
// string literals and string_views still pick the string_view overload.
#define PSWIRE_DELETE_TEMPORARY_INPUT(name)                    \
  template <::pswire::owning_temporary Temporary, class... Rest> \
  void name(Temporary&&, Rest&&...) = delete
