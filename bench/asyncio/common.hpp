// Shared by the asyncio benchmarks: the Asio side is compiled only where Boost.Asio 1.74 enables
// its awaitables (g++ 12 in C++20 mode). With clang 14 and libstdc++ it does not: Asio 1.74 looks
// for libc++'s <experimental/coroutine>, so the clang build measures braid alone.
#pragma once

#include <boost/asio/version.hpp>
#if defined(__has_include)
#include <boost/asio/detail/config.hpp>
#endif

#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#define BRAID_BENCH_HAS_ASIO 1
#else
#define BRAID_BENCH_HAS_ASIO 0
#endif
