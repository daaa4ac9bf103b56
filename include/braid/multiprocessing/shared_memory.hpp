#pragma once
/// \file
/// braid::multiprocessing::shared_memory: Python's multiprocessing.shared_memory.SharedMemory,
/// with explicit ownership.

#include <cstddef>
#include <string>
#include <utility>

namespace braid::multiprocessing {

/// A block of memory shared between processes, named in /dev/shm.
///
/// Ownership is explicit (Python's resource-tracker trap removed): the process that create()s a
/// block owns its name and unlinks it when the object is destroyed (or at unlink()); attach()
/// never unlinks. Processes that attached keep their mapping after the name is gone.
/// A shared_memory travels to another process (as an argument) by name; the receiver attaches.
/// Move-only. Not thread-safe as an object; the memory itself is whatever you make of it.
class shared_memory {
 public:
  /// No block. Never throws.
  shared_memory() = default;
  /// Creates a new block of `size` bytes, zero-filled. An empty `name` picks a unique one
  /// ("braid-..."). Python's SharedMemory(name, create=True, size). Throws braid::os_error (code
  /// EEXIST if the name is taken). Thread-safe.
  static shared_memory create(std::size_t size, std::string name = {});
  /// Maps an existing block (Python's SharedMemory(name)). Throws braid::os_error (code ENOENT if
  /// there is none). Thread-safe.
  static shared_memory attach(std::string name);

  /// Takes over `other`'s mapping and ownership. Never throws.
  shared_memory(shared_memory&& other) noexcept { swap(other); }
  /// Releases this block (as the destructor does), then takes over `other`'s. Never throws.
  shared_memory& operator=(shared_memory&& other) noexcept {
    shared_memory(std::move(other)).swap(*this);
    return *this;
  }
  /// Unmaps the block and, for its owner, unlinks the name (Python's close() + unlink()). Never
  /// throws.
  ~shared_memory();

  /// The mapped bytes (Python's buf). Never throws.
  std::byte* data() const noexcept { return data_; }
  /// The mapping's size in bytes (Python's size). Never throws.
  std::size_t size() const noexcept { return size_; }
  /// The name, without the leading '/', as attach() takes it (Python's name). Never throws.
  const std::string& name() const noexcept { return name_; }
  /// True for the creator, until unlink(). Never throws.
  bool owner() const noexcept { return owner_; }
  /// Removes the name now (Python's unlink(); creator only, a no-op otherwise). The memory stays
  /// mapped. Never throws.
  void unlink() noexcept;

  /// Serialisation (cereal) for travel to another process, by name; load() attaches, throwing
  /// os_error as attach() does.
  template <class A>
  void save(A& ar) const {
    ar(name_);
  }
  /// The other half of save(): attaches to what save() wrote.
  template <class A>
  void load(A& ar) {
    std::string n;
    ar(n);
    *this = attach(std::move(n));
  }

 private:
  void swap(shared_memory& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(name_, other.name_);
    std::swap(owner_, other.owner_);
  }
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  std::string name_;
  bool owner_ = false;
};

}  // namespace braid::multiprocessing
