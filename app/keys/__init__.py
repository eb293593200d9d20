"""The issuing authorities' signing keys, the published key set and the revocation list."""
