/* bench/http/run_client.py's libcurl peer: the multi interface with CONNECTIONS easy handles
 * kept busy (each re-added when its transfer ends), connection reuse on.
 * `curl_multi_http_client URL REQUESTS CONNECTIONS`; prints one JSON line. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static size_t discard(char* p, size_t s, size_t n, void* u) {
  (void)p;
  (void)u;
  return s * n;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  const char* url = argv[1];
  long requests = atol(argv[2]), conns = atol(argv[3]);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURLM* m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, conns);
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, conns);
  long started = 0, done = 0, ok = 0;
  double t0 = now(), c0 = cpu();
  for (long i = 0; i < conns && started < requests; ++i, ++started) {
    CURL* e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_multi_add_handle(m, e);
  }
  int running = 1;
  while (done < requests) {
    curl_multi_perform(m, &running);
    CURLMsg* msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left)) != NULL) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* e = msg->easy_handle;
      long code = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      if (msg->data.result == CURLE_OK && code == 200) ++ok;
      ++done;
      curl_multi_remove_handle(m, e);
      if (started < requests) {
        ++started;
        curl_multi_add_handle(m, e); /* the same handle: its connection is reused */
      } else {
        curl_easy_cleanup(e);
      }
    }
    if (done < requests) curl_multi_poll(m, NULL, 0, 1000, NULL);
  }
  double secs = now() - t0, c = cpu() - c0;
  printf("{\"requests\": %ld, \"ok\": %ld, \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n", requests,
         ok, secs, c);
  curl_multi_cleanup(m);
  curl_global_cleanup();
  return 0;
}
