#pragma once
/// \file
/// braid::http: an aiohttp-style HTTP/1.1 client session and server on braid::asyncio.
/// (braid/http/json.hpp, the nlohmann-json conveniences, is not included here: it is the one
/// header that pulls in nlohmann.)
#include "braid/http/app_runner.hpp"
#include "braid/http/application.hpp"
#include "braid/http/background_server.hpp"
#include "braid/http/client_response.hpp"
#include "braid/http/client_session.hpp"
#include "braid/http/client_timeout.hpp"
#include "braid/http/cookie_jar.hpp"
#include "braid/http/errors.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/request.hpp"
#include "braid/http/response.hpp"
#include "braid/http/router.hpp"
#include "braid/http/url.hpp"
