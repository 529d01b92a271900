#ifndef SECRETS_COPENSSL_SHIM_H
#define SECRETS_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

// EVP_CTRL_GCM_* are macros taking ints; wrap so Swift sees typed calls.
static inline int secrets_gcm_set_ivlen(EVP_CIPHER_CTX *ctx, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, len, NULL);
}
static inline int secrets_gcm_get_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, len, tag);
}
static inline int secrets_gcm_set_tag(EVP_CIPHER_CTX *ctx, unsigned char *tag, int len) {
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, len, tag);
}
// EVP_PKEY_CTX_set_hkdf_md and friends are macros in some OpenSSL builds.
static inline int secrets_hkdf_setup(EVP_PKEY_CTX *ctx, const EVP_MD *md,
                                     const unsigned char *salt, int saltlen,
                                     const unsigned char *key, int keylen,
                                     const unsigned char *info, int infolen) {
    if (EVP_PKEY_derive_init(ctx) <= 0) return 0;
    if (EVP_PKEY_CTX_set_hkdf_md(ctx, md) <= 0) return 0;
    if (EVP_PKEY_CTX_set1_hkdf_salt(ctx, salt, saltlen) <= 0) return 0;
    if (EVP_PKEY_CTX_set1_hkdf_key(ctx, key, keylen) <= 0) return 0;
    if (EVP_PKEY_CTX_add1_hkdf_info(ctx, info, infolen) <= 0) return 0;
    return 1;
}
#endif
