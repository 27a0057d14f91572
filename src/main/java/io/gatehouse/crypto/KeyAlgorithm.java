package io.gatehouse.crypto;

/** Key types Gatehouse generates for itself. */
public enum KeyAlgorithm {
    RSA_2048,
    RSA_3072,
    EC_P256
}
