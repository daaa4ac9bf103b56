#pragma once
/// \file
/// braid::http: an aiohttp-style HTTP/1.1 client session and server on braid::asyncio.
#include "braid/http/errors.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"
#include "braid/http/client_timeout.hpp"
#include "braid/http/cookie_jar.hpp"
#include "braid/http/client_response.hpp"
#include "braid/http/client_session.hpp"
