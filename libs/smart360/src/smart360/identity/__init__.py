"""Identity for every service: verify auth's RS256 tokens locally, scope by tenant, check roles.

Tokens are verified against auth's JWKS, cached in-process and in the service's Django cache;
auth is only asked again when a token names a key we have not seen (rotation), rate-limited.
"""
