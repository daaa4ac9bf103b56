#pragma once
/// \file
/// braid::multiprocessing::remote_call: a function call encoded now, to run in another process
/// later (an initializer, a process's target).

#include <type_traits>
#include <utility>

#include "braid/multiprocessing/detail/serialize.hpp"

namespace braid::multiprocessing {

/// A call `fn(args...)` already serialised for another process. `fn` must be a plain function,
/// a captureless lambda or an empty function object (a capturing lambda is a compile error);
/// every argument must be serialisable with cereal (else a compile error). An empty remote_call
/// (default-constructed) does nothing.
///
/// Throws: whatever serialising an argument throws, from the constructor. Immutable once made:
/// safe to read from several threads.
class remote_call {
 public:
  /// An empty call, which does nothing. Never throws.
  remote_call() = default;
  /// Encodes fn(args...) now. Throws what serialising an argument throws.
  template <class F, class... Args,
            class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, remote_call>>>
  remote_call(F&& fn, Args&&... args)  // NOLINT: implicit, so `{init, 42}` and `init` both work
      : payload_(detail::encode_call(static_cast<const std::decay_t<F>&>(fn),
                                     std::forward<Args>(args)...)) {}

  /// Whether this is the empty call. Never throws.
  bool empty() const noexcept { return payload_.bytes.empty(); }
  /// The encoded call, as it travels. Never throws.
  const detail::payload& encoded() const noexcept { return payload_; }

 private:
  detail::payload payload_;
};

}  // namespace braid::multiprocessing
