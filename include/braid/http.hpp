#pragma once
/// \file
/// braid::http: an aiohttp-style HTTP/1.1 client session and server on braid::asyncio.
#include "braid/http/errors.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"
#include "braid/http/app_runner.hpp"
#include "braid/http/background_server.hpp"
#include "braid/http/application.hpp"
#include "braid/http/request.hpp"
#include "braid/http/response.hpp"
#include "braid/http/router.hpp"
