#pragma once

// A small std::expected look-alike. g++ 12 has std::expected, but the fuzzing build uses
// clang with libstdc++ 12, whose <expected> is empty under clang, so every module returns
// this type instead. The API is the subset of std::expected we use, with the same names, so
// switching to std::expected later is a search-and-replace.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace cop {

template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }
  const E& error() const& { return error_; }

 private:
  E error_;
};

template <typename E>
Unexpected(E) -> Unexpected<E>;

template <typename T, typename E>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}  // NOLINT
  template <typename G>
  Expected(Unexpected<G> error)  // NOLINT: implicit, as with std::expected
      : storage_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(storage_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  E& error() & {
    assert(!has_value());
    return std::get<1>(storage_);
  }
  const E& error() const& {
    assert(!has_value());
    return std::get<1>(storage_);
  }
  E&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(storage_));
  }

 private:
  std::variant<T, E> storage_;
};

// Expected<void, E>: success carries nothing.
template <typename E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  template <typename G>
  Expected(Unexpected<G> error) : error_(std::move(error).error()), failed_(true) {}  // NOLINT

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  const E& error() const& {
    assert(failed_);
    return error_;
  }
  E&& error() && {
    assert(failed_);
    return std::move(error_);
  }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace cop

// Propagates a failed Expected out of the current function (which must return an Expected
// with a compatible error type); otherwise evaluates to nothing. Keeps error plumbing to one
// line where the alternative is four.
#define COP_TRY(expr)                                               \
  do {                                                              \
    auto cop_try_result_ = (expr);                                  \
    if (!cop_try_result_) {                                         \
      return ::cop::Unexpected(std::move(cop_try_result_).error()); \
    }                                                               \
  } while (false)

// Binds the value of an Expected to `var`, or returns its error.
#define COP_ASSIGN_OR_RETURN(var, expr)                         \
  auto var##_result_ = (expr);                                  \
  if (!var##_result_) {                                         \
    return ::cop::Unexpected(std::move(var##_result_).error()); \
  }                                                             \
  auto var = std::move(var##_result_).value()
