#ifndef SECRETS_CCURL_SHIM_H
#define SECRETS_CCURL_SHIM_H
#include <curl/curl.h>
// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind.
static inline CURLcode secrets_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode secrets_curl_setopt_ptr(CURL *h, CURLoption o, const void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode secrets_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
// curl_easy_getinfo is variadic too.
static inline CURLcode secrets_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
// Function-pointer options, typed so Swift passes a @convention(c) closure without casts.
static inline CURLcode secrets_curl_setopt_write(CURL *h, CURLoption o, curl_write_callback f) { return curl_easy_setopt(h, o, f); }
#endif
