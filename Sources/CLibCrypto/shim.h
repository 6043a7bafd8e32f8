// SHA-256 from OpenSSL's libcrypto (Debian's libssl-dev): the cache's digests.
#include <openssl/evp.h>
