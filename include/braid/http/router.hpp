#pragma once
/// \file
/// braid::http::router: maps a method and a path to a handler (aiohttp's UrlDispatcher,
/// app.router.add_get, web.RouteTableDef). Patterns are literal paths or hold parameters:
/// `{name}` matches one path segment, `{name:regex}` what the regex matches (slashes too).
/// Routes are tried in the order they were added; a path that matches no route is 404, one that
/// matches with another method 405 with an Allow header.
///
/// Routes are added before the server starts (start_app freezes the application); once it
/// serves, resolving is read-only and may run on several loops' threads at once.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "braid/http/request.hpp"
#include "braid/http/response.hpp"

namespace braid::http {

/// Options of add_static().
struct static_options {
  /// Follow symbolic links inside the root that point outside it (aiohttp's follow_symlinks);
  /// off: such a link is 404, as a traversal would be.
  bool follow_symlinks = false;
  /// The file served for a directory ("index.html"); empty: a directory is 403.
  std::string index = "index.html";
};

class router {
 public:
  router();
  ~router();
  router(router&&) noexcept;
  router& operator=(router&&) noexcept;

  /// Adds a route for `method` ("GET", "*" for any) on `pattern`. Throws value_error for a
  /// pattern that does not start with '/' or has an unbalanced '{', std::regex_error for a bad
  /// regex. Not thread-safe (build before serving).
  void add_route(std::string method, std::string pattern, handler h);
  /// GET, and HEAD answered by the same handler (aiohttp's add_get with allow_head=True).
  void add_get(std::string pattern, handler h);
  void add_post(std::string pattern, handler h);
  void add_put(std::string pattern, handler h);
  void add_delete(std::string pattern, handler h);
  /// Serves the files under `directory` at `prefix` (aiohttp's add_static): GET and HEAD, with
  /// Range. Paths are resolved safely: `..` segments, encoded slashes or dots, NUL bytes and (by
  /// default) symbolic links leading out of the root are 404. Throws value_error if `directory`
  /// is not a directory.
  void add_static(std::string prefix, std::string directory, static_options options);
  void add_static(std::string prefix, std::string directory);

  /// What resolve() found.
  struct resolution {
    const handler* route = nullptr;  ///< null: see status
    int status = 404;                ///< 404 or 405 when route is null
    std::string allow;               ///< 405: the methods the path allows
  };
  /// Finds the route of `req` and fills its match_info. Never suspends; thread-safe once built.
  resolution resolve(request& req) const;

 private:
  struct route;
  std::vector<std::unique_ptr<route>> routes_;
};

}  // namespace braid::http
