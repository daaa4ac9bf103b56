#pragma once
/// \file
/// How calls, arguments and results travel between processes: cereal's binary archives over a
/// std::string, and "trampolines" (one function per callable and argument types) that decode a
/// call in the worker and encode its result. Included by the templates that need it; the rest of
/// braid does not see cereal.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/list.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

#include "braid/multiprocessing/detail/code_ref.hpp"
#include "braid/multiprocessing/detail/empty_tag.hpp"

namespace braid::multiprocessing::detail {

using oarchive = cereal::BinaryOutputArchive;
using iarchive = cereal::BinaryInputArchive;

/// Appends whatever is written to a std::string.
class string_sink final : public std::streambuf {
 public:
  explicit string_sink(std::string& out) : out_(&out) {}

 protected:
  std::streamsize xsputn(const char* p, std::streamsize n) override {
    out_->append(p, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) out_->push_back(static_cast<char>(c));
    return traits_type::not_eof(c);
  }

 private:
  std::string* out_;
};

/// Reads from a fixed span of bytes.
class view_source final : public std::streambuf {
 public:
  explicit view_source(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());
    setg(p, p, p + bytes.size());
  }
};

/// Bytes plus the file descriptors that travel with them (connections inside the arguments).
/// Owns the descriptors: closes them when destroyed.
struct payload {
  std::string bytes;
  std::vector<int> fds;

  payload() = default;
  payload(payload&& other) noexcept : bytes(std::move(other.bytes)), fds(std::move(other.fds)) {
    other.fds.clear();
  }
  payload& operator=(payload&& other) noexcept;
  payload(const payload&) = delete;
  payload& operator=(const payload&) = delete;
  ~payload();
};

/// While alive, descriptors that serialising objects attach (attach_fd) go into `target`.
class fd_collector {
 public:
  explicit fd_collector(std::vector<int>& target) noexcept;
  ~fd_collector();
  fd_collector(const fd_collector&) = delete;
  fd_collector& operator=(const fd_collector&) = delete;

 private:
  std::vector<int>* previous_;
};

/// While alive, objects being deserialised take their descriptors from `source` (take_fd).
class fd_provider {
 public:
  explicit fd_provider(std::vector<int>& source) noexcept;
  ~fd_provider();
  fd_provider(const fd_provider&) = delete;
  fd_provider& operator=(const fd_provider&) = delete;

 private:
  std::vector<int>* previous_;
};

/// Called from a serialize/save function: duplicates `fd` into the message being built and
/// returns its index there. Throws transfer_error outside a message to another process.
std::uint32_t attach_fd(int fd);
/// Called from a load function: takes ownership of the descriptor at `index` of the message
/// being decoded. Throws transfer_error if there is none.
int take_fd(std::uint32_t index);

/// A function that decodes a call from `in`, runs it and encodes its result into `out`.
using trampoline_fn = void (*)(iarchive& in, oarchive& out);

template <class T>
inline constexpr bool is_function_pointer_v =
    std::is_pointer_v<T>&& std::is_function_v<std::remove_pointer_t<T>>;

/// How a callable of type F is named across processes: a function pointer by its code_ref,
/// a stateless function object (captureless lambda) by its type alone.
template <class F>
struct remote_callable {
  static_assert(is_function_pointer_v<F> ||
                    (std::is_class_v<F> && std::is_empty_v<F> &&
                     std::is_default_constructible_v<F> && std::is_trivially_copyable_v<F>),
                "braid::multiprocessing: only plain functions, captureless lambdas and empty "
                "function objects can run in another process. A capturing lambda, a "
                "std::function or a member function holds state or a 'this' that means nothing "
                "in the worker: pass that state as arguments instead.");

  static void encode(oarchive& ar, const F& fn) {
    if constexpr (is_function_pointer_v<F>) ar(locate_code(reinterpret_cast<std::uintptr_t>(fn)));
  }
  static F decode(iarchive& ar) {
    if constexpr (is_function_pointer_v<F>) {
      code_ref ref;
      ar(ref);
      return reinterpret_cast<F>(resolve_code(ref));
    } else {
      return F{};
    }
  }
};

/// Calls F with the elements of one tuple argument (starmap).
template <class F>
struct star {
  F fn;
  template <class Tuple>
  decltype(auto) operator()(Tuple&& t) const {
    return std::apply(fn, std::forward<Tuple>(t));
  }
};
template <class F>
struct remote_callable<star<F>> {
  static void encode(oarchive& ar, const star<F>& s) { remote_callable<F>::encode(ar, s.fn); }
  static star<F> decode(iarchive& ar) { return star<F>{remote_callable<F>::decode(ar)}; }
};

template <class T>
inline constexpr bool can_send_v = !std::is_pointer_v<T> && !std::is_member_pointer_v<T> &&
                                   cereal::traits::is_output_serializable<T, oarchive>::value &&
                                   cereal::traits::is_input_serializable<T, iarchive>::value;

template <class T>
constexpr void check_sendable() {
  static_assert(
      std::is_void_v<T> || can_send_v<T>,
      "braid::multiprocessing: this argument or result type cannot travel between "
      "processes. Give it a cereal serialize() (or save()/load()) function, and include "
      "<cereal/types/...> for the standard types it contains. Pointers, references to "
      "local state and string literals cannot travel: pass std::string, not const char*.");
  if constexpr (!std::is_void_v<T>) {
    static_assert(can_make_empty_v<T>,
                  "braid::multiprocessing: values received from another process are "
                  "default-constructed then loaded; give this type a default constructor.");
  }
}

template <class C, class... A>
using call_result_t = std::remove_cvref_t<std::invoke_result_t<C&, A&&...>>;

/// The worker side of one call: F(args...) -> result.
template <class C, class... A>
void call_one(iarchive& in, oarchive& out) {
  C fn = remote_callable<C>::decode(in);
  std::tuple<A...> args{make_empty<A>()...};
  std::apply([&in](auto&... a) { (in(a), ...); }, args);
  if constexpr (std::is_void_v<std::invoke_result_t<C&, A&&...>>) {
    std::apply(fn, std::move(args));
  } else {
    const call_result_t<C, A...> result = std::apply(fn, std::move(args));
    out(result);
  }
}

/// The worker side of one chunk of map(): F applied to each input, results as one vector.
template <class C, class A>
void call_chunk(iarchive& in, oarchive& out) {
  C fn = remote_callable<C>::decode(in);
  std::vector<A> inputs;
  in(inputs);
  std::vector<call_result_t<C, A>> results;
  results.reserve(inputs.size());
  for (auto& x : inputs) results.push_back(fn(std::move(x)));
  out(results);
}

template <trampoline_fn T>
const code_ref& trampoline_ref() {
  static const code_ref ref = locate_code(reinterpret_cast<std::uintptr_t>(T));
  return ref;
}

/// Encodes the call `fn(args...)` for a worker. Throws what serialising the arguments throws.
template <class C, class... Args>
payload encode_call(const C& fn, Args&&... args) {
  (check_sendable<std::decay_t<Args>>(), ...);
  static_assert(std::is_invocable_v<C&, std::decay_t<Args>&&...>,
                "braid::multiprocessing: the function cannot be called with these arguments");
  check_sendable<call_result_t<C, std::decay_t<Args>...>>();
  payload p;
  string_sink sink(p.bytes);
  std::ostream os(&sink);
  fd_collector collect(p.fds);
  oarchive ar(os);
  ar(trampoline_ref<&call_one<C, std::decay_t<Args>...>>());
  remote_callable<C>::encode(ar, fn);
  (ar(static_cast<const std::decay_t<Args>&>(args)), ...);
  return p;
}

/// Encodes one chunk of map() inputs.
template <class C, class A>
payload encode_chunk(const C& fn, const std::vector<A>& inputs) {
  check_sendable<A>();
  check_sendable<call_result_t<C, A>>();
  payload p;
  string_sink sink(p.bytes);
  std::ostream os(&sink);
  fd_collector collect(p.fds);
  oarchive ar(os);
  ar(trampoline_ref<&call_chunk<C, A>>());
  remote_callable<C>::encode(ar, fn);
  ar(inputs);
  return p;
}

/// Decodes a value sent by another process. Throws transfer_error or cereal's exception.
template <class T>
T decode_value(std::string_view bytes) {
  view_source src(bytes);
  std::istream is(&src);
  iarchive ar(is);
  T value = make_empty<T>();
  ar(value);
  return value;
}

/// Encodes a value for another process.
template <class T>
std::string encode_value(const T& value) {
  std::string out;
  string_sink sink(out);
  std::ostream os(&sink);
  oarchive ar(os);
  ar(value);
  return out;
}

/// Runs an encoded call (worker side): result bytes go to `result`.
void run_call(std::string_view call, std::string& result);

}  // namespace braid::multiprocessing::detail
